package ingest

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/triagedesk/triage/triage"
)

// twcsColumns are the columns of the Customer Support on Twitter CSV that
// the reader needs, in the order of the published file.
var twcsColumns = []string{"tweet_id", "author_id", "inbound", "created_at", "text",
	"response_tweet_id", "in_response_to_tweet_id"}

// twcsTimeLayout is the created_at layout, for example
// "Tue Oct 31 22:10:47 +0000 2017".
const twcsTimeLayout = "Mon Jan 02 15:04:05 -0700 2006"

// twcsIDPrefix starts the event and conversation ids of tweets, so that
// they cannot collide with ids from other sources.
const twcsIDPrefix = "twcs-"

// twitterEntities undoes the escaping of tweet text in the Twitter API,
// which writes &, < and > as HTML entities. One pass, so "&amp;lt;" reads
// as the "&lt;" its author typed.
var twitterEntities = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")

// twcsRow is one data row, or the reason it was rejected.
type twcsRow struct {
	line    int
	reject  string
	field   string
	id      string
	author  string
	inbound bool
	at      time.Time
	text    string
	parent  string   // in_response_to_tweet_id as an integer, or ""
	replies []string // response_tweet_id
}

// twcsParser reads the Customer Support on Twitter CSV. Reply links can
// point forward as well as back, so it holds every row and threads them
// when the input ends.
type twcsParser struct {
	r       *Reader
	record  []byte // lines of a record whose quotes are not yet closed
	start   int    // line where record starts
	columns map[string]int
	header  bool // the header row has been read, valid or not
	rows    []twcsRow
	done    bool
}

func newTWCSParser(r *Reader) *twcsParser { return &twcsParser{r: r} }

func (p *twcsParser) pending() bool { return !p.done && (len(p.record) > 0 || len(p.rows) > 0) }

func (p *twcsParser) parse(number int, text []byte) {
	if len(p.record) == 0 {
		if len(bytes.TrimSpace(text)) == 0 {
			return
		}
		p.start = number
	} else {
		p.record = append(p.record, '\n')
	}
	p.record = append(p.record, text...)
	if len(p.record) > p.r.opts.MaxLineBytes {
		p.rows = append(p.rows, twcsRow{line: p.start, reject: fmt.Sprintf(
			"record is longer than %d bytes; a quote may be left open", p.r.opts.MaxLineBytes)})
		p.record = p.record[:0]
		return
	}
	// A record is complete when its double quotes pair up, because CSV
	// writes a quote inside a quoted field as two quotes.
	if bytes.Count(p.record, []byte{'"'})%2 == 1 {
		return
	}
	p.handleRecord(p.start, p.record)
	p.record = p.record[:0]
}

// handleRecord handles one complete CSV record.
func (p *twcsParser) handleRecord(line int, record []byte) {
	cr := csv.NewReader(bytes.NewReader(record))
	cr.FieldsPerRecord = -1
	fields, err := cr.Read()
	if err != nil {
		p.rows = append(p.rows, twcsRow{line: line, reject: "invalid CSV: " + err.Error()})
		return
	}
	if !p.header {
		p.header = true
		p.readHeader(line, fields)
		return
	}
	if p.columns == nil {
		p.rows = append(p.rows, twcsRow{line: line, reject: "no valid header row: the first line must name the columns " +
			strings.Join(twcsColumns, ",")})
		return
	}
	p.rows = append(p.rows, p.readRow(line, fields))
}

func (p *twcsParser) readHeader(line int, fields []string) {
	columns := make(map[string]int, len(fields))
	for i, name := range fields {
		columns[strings.ToLower(strings.TrimSpace(name))] = i
	}
	var missing []string
	for _, name := range twcsColumns {
		if _, ok := columns[name]; !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		p.rows = append(p.rows, twcsRow{line: line, reject: fmt.Sprintf(
			"header row lacks the columns %s; expected %s", strings.Join(missing, ", "), strings.Join(twcsColumns, ","))})
		return
	}
	p.columns = columns
}

// readRow checks one data row's fields.
func (p *twcsParser) readRow(line int, fields []string) twcsRow {
	row := twcsRow{line: line}
	if len(fields) != len(p.columns) {
		row.reject = fmt.Sprintf("expected %d fields as in the header row, found %d", len(p.columns), len(fields))
		return row
	}
	get := func(name string) string { return fields[p.columns[name]] }
	fail := func(field, reason string) twcsRow {
		row.field, row.reject = field, reason
		return row
	}
	row.id = strings.TrimSpace(get("tweet_id"))
	if _, err := strconv.ParseUint(row.id, 10, 64); err != nil {
		return fail("tweet_id", fmt.Sprintf("must be a positive integer, found %q", row.id))
	}
	row.author = strings.TrimSpace(get("author_id"))
	switch strings.ToLower(strings.TrimSpace(get("inbound"))) {
	case "true":
		row.inbound = true
	case "false":
	default:
		return fail("inbound", fmt.Sprintf("must be True or False, found %q", get("inbound")))
	}
	at, err := time.Parse(twcsTimeLayout, strings.TrimSpace(get("created_at")))
	if err != nil {
		return fail("created_at", fmt.Sprintf("invalid time %q: expected the form \"Tue Oct 31 22:10:47 +0000 2017\"", get("created_at")))
	}
	row.at = at
	row.text = twitterEntities.Replace(get("text"))
	if row.parent, row.reject = twcsTweetID(get("in_response_to_tweet_id")); row.reject != "" {
		row.field = "in_response_to_tweet_id"
		return row
	}
	for _, id := range strings.Split(get("response_tweet_id"), ",") {
		if id, reason := twcsTweetID(id); reason == "" && id != "" {
			row.replies = append(row.replies, id)
		}
	}
	return row
}

// twcsTweetID reads a tweet id that the CSV may write as a float, such as
// "3.0". An empty field gives "".
func twcsTweetID(s string) (string, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", ""
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f != float64(uint64(f)) {
		return "", fmt.Sprintf("must be a tweet id, found %q", s)
	}
	return strconv.FormatUint(uint64(f), 10), ""
}

// finish threads the rows into conversations and yields them in time
// order.
func (p *twcsParser) finish() {
	if len(p.record) > 0 {
		p.rows = append(p.rows, twcsRow{line: p.start, reject: "the input ends inside a quoted field"})
		p.record = p.record[:0]
	}
	p.done = true
	first := make(map[string]int, len(p.rows)) // tweet id -> index of its row
	for i := range p.rows {
		row := &p.rows[i]
		if row.reject != "" {
			continue
		}
		if j, ok := first[row.id]; ok {
			row.reject = fmt.Sprintf("duplicate tweet_id %s, first on line %d", row.id, p.rows[j].line)
			row.field = "tweet_id"
			continue
		}
		first[row.id] = i
	}
	parent := make(map[string]string, len(first))
	for id, i := range first {
		if pid := p.rows[i].parent; pid != "" {
			parent[id] = pid
		}
	}
	// A reply listed in response_tweet_id whose own parent field is empty
	// still belongs under the tweet that lists it.
	for id, i := range first {
		for _, reply := range p.rows[i].replies {
			if _, ok := first[reply]; ok && parent[reply] == "" && reply != id {
				parent[reply] = id
			}
		}
	}
	// The CSV lists tweets by id, not by time. Each conversation's tweets
	// are yielded in time order, so that the desk opens a ticket at its
	// first tweet and scores the thread as it happened; rejections come
	// first, in line order.
	for _, row := range p.rows {
		if row.reject != "" {
			p.r.reject(row.line, row.field, row.reject)
		}
	}
	sort.SliceStable(p.rows, func(i, j int) bool { return p.rows[i].at.Before(p.rows[j].at) })
	roots := make(map[string]string, len(first))
	for _, row := range p.rows {
		if row.reject != "" {
			continue
		}
		root := twcsRoot(row.id, parent, first, roots)
		ev := &triage.Event{
			ID:           twcsIDPrefix + row.id,
			Conversation: twcsIDPrefix + root,
			At:           row.at,
			Type:         triage.TypeMessage,
			Text:         row.text,
			Extra:        map[string]json.RawMessage{"channel": jsonString("twitter")},
		}
		if row.inbound {
			ev.Role = triage.RoleCustomer
			if row.author != "" {
				ev.Customer = &triage.Customer{Handle: row.author}
			}
		} else {
			ev.Role = triage.RoleAgent
			ev.Extra["brand"] = jsonString(row.author)
		}
		if row.parent != "" {
			ev.Extra["in_reply_to"] = jsonString(twcsIDPrefix + row.parent)
		}
		p.r.accept(ev, row.line)
	}
	p.rows = nil
}

// twcsRoot returns the topmost ancestor of id that is in the input,
// memoising in roots. A tweet whose parent is missing from the input is
// the root of its own conversation. Cycles end at the tweet that closes
// them.
func twcsRoot(id string, parent map[string]string, present map[string]int, roots map[string]string) string {
	var path []string
	seen := make(map[string]bool)
	cur := id
	for {
		if r, ok := roots[cur]; ok {
			cur = r
			break
		}
		seen[cur] = true
		path = append(path, cur)
		next, ok := parent[cur]
		if !ok || seen[next] {
			break
		}
		if _, in := present[next]; !in {
			break
		}
		cur = next
	}
	for _, p := range path {
		roots[p] = cur
	}
	return cur
}
