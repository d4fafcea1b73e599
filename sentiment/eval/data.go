package eval

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// rated is a text with the mean of its human valence ratings (-4..4).
type rated struct {
	text string
	mean float64
}

// readGroundTruth reads a VADER GroundTruth file: tab-separated id, mean
// rating and text, CRLF line ends, maybe a UTF-8 byte order mark.
func readGroundTruth(path string) ([]rated, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	var out []rated
	for n, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" {
			continue
		}
		fields := strings.SplitN(line, "\t", 3)
		if len(fields) != 3 {
			return nil, fmt.Errorf("%s:%d: want 3 tab-separated fields, got %d", path, n+1, len(fields))
		}
		mean, err := strconv.ParseFloat(strings.TrimSpace(fields[1]), 64)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: invalid mean rating %q", path, n+1, fields[1])
		}
		out = append(out, rated{text: fields[2], mean: mean})
	}
	return out, nil
}

// dialogueTurn is one turn of a graded support dialogue.
type dialogueTurn struct {
	customer bool
	text     string
	grade    float64 // median expert grade, 0..4
	graded   bool    // false when a grade was missing
}

// readDialogues reads the frustration-intensity dialogues: a separator
// line of dashes starts each dialogue, "USER: " and "SUPP: " start turns,
// and a customer turn ends with three expert grades such as "{3,2,4}".
func readDialogues(path string) ([][]dialogueTurn, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out [][]dialogueTurn
	var cur []dialogueTurn
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		switch {
		case strings.HasPrefix(line, "-----"):
			if len(cur) > 0 {
				out = append(out, cur)
			}
			cur = nil
		case strings.HasPrefix(line, "USER:"):
			cur = append(cur, parseCustomerTurn(strings.TrimSpace(line[len("USER:"):])))
		case strings.HasPrefix(line, "SUPP:"):
			cur = append(cur, dialogueTurn{text: strings.TrimSpace(line[len("SUPP:"):])})
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out, sc.Err()
}

func parseCustomerTurn(s string) dialogueTurn {
	t := dialogueTurn{customer: true, text: s}
	open := strings.LastIndexByte(s, '{')
	if open < 0 || !strings.HasSuffix(s, "}") {
		return t
	}
	t.text = strings.TrimSpace(s[:open])
	parts := strings.Split(s[open+1:len(s)-1], ",")
	if len(parts) != 3 {
		return t
	}
	grades := make([]float64, 0, 3)
	for _, p := range parts {
		g, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || g < 0 || g > 4 {
			return t
		}
		grades = append(grades, float64(g))
	}
	sort.Float64s(grades)
	t.grade, t.graded = grades[1], true
	return t
}

// labelled is a text with whether people judged it negative.
type labelled struct {
	text     string
	negative bool
}

// readAirline reads every CSV file in dir. The files are Latin-1, not
// UTF-8, so each byte is decoded as one code point first.
func readAirline(dir string) ([]labelled, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.csv"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no CSV files", dir)
	}
	sort.Strings(files)
	var out []labelled
	for _, path := range files {
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		r := csv.NewReader(strings.NewReader(latin1(raw)))
		r.LazyQuotes = true
		r.FieldsPerRecord = -1
		rows, err := r.ReadAll()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if len(rows) == 0 {
			continue
		}
		textCol, labelCol := -1, -1
		for i, name := range rows[0] {
			switch name {
			case "text":
				textCol = i
			case "airline_sentiment":
				labelCol = i
			}
		}
		if textCol < 0 || labelCol < 0 {
			return nil, fmt.Errorf("%s: missing text or airline_sentiment column", path)
		}
		for _, row := range rows[1:] {
			if len(row) <= textCol || len(row) <= labelCol {
				continue
			}
			out = append(out, labelled{text: row[textCol], negative: row[labelCol] == "negative"})
		}
	}
	return out, nil
}

func latin1(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/8)
	for _, c := range b {
		if c < utf8.RuneSelf {
			sb.WriteByte(c)
		} else {
			sb.WriteRune(rune(c))
		}
	}
	return sb.String()
}
