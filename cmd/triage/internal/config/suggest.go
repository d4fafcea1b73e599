package config

import (
	"reflect"
	"strings"
)

// suggest returns the key most likely meant by an unknown key name found
// in the section prefix of type t, or "" when none is close. A key of the
// same section is returned by its name. A key elsewhere, for example
// "secret_file" written at the top level, is returned by its dotted key.
func suggest(t reflect.Type, prefix, name string) string {
	want := normalize(name)
	limit := max(2, len(want)/3)

	best, bestDist := "", limit+1
	for i := range t.NumField() {
		sibling := jsonName(t.Field(i))
		if dist := levenshtein(want, normalize(sibling)); dist < bestDist {
			best, bestDist = sibling, dist
		}
	}
	if best != "" {
		return best
	}

	for _, key := range allKeys() {
		if strings.HasPrefix(key, prefix+".") && prefix != "" {
			continue
		}
		last := key[strings.LastIndex(key, ".")+1:]
		dist := min(levenshtein(want, normalize(key)), levenshtein(want, normalize(last)))
		if dist < bestDist {
			best, bestDist = key, dist
		}
	}
	return best
}

// normalize folds case and treats "-" and "." like "_", so that
// "Secret-File" is close to "secret_file" and "webhook_listen" to
// "webhook.listen".
func normalize(s string) string {
	s = strings.ToLower(s)
	return strings.NewReplacer("-", "_", ".", "_").Replace(s)
}

// allKeys returns the dotted key of every setting and every section.
func allKeys() []string {
	seen := map[string]bool{}
	var keys []string
	for _, fd := range fields {
		parts := strings.Split(fd.Key, ".")
		for i := range parts {
			k := strings.Join(parts[:i+1], ".")
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	return keys
}

// levenshtein returns the edit distance between a and b, counted in
// bytes, which is enough for ASCII key names.
func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
