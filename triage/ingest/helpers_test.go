package ingest

import (
	"errors"
	"io"
	"strings"
	"testing"

	_ "time/tzdata" // tests name IANA zones such as Europe/Berlin
)

// readAll reads input to its end and returns every Item.
func readAll(t testing.TB, input string, opts Options) []Item {
	t.Helper()
	r, err := NewReader(strings.NewReader(input), opts)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var items []Item
	for {
		item, err := r.Next()
		if errors.Is(err, io.EOF) {
			return items
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		items = append(items, item)
	}
}

// splitItems separates accepted events from rejections.
func splitItems(items []Item) (events []Item, rejects []Item) {
	for _, item := range items {
		if item.Err != nil {
			rejects = append(rejects, item)
		} else {
			events = append(events, item)
		}
	}
	return events, rejects
}

// lineNumbers returns the Line of each item.
func lineNumbers(items []Item) []int {
	lines := make([]int, len(items))
	for i, item := range items {
		lines[i] = item.Line
	}
	return lines
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
