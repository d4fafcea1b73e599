package engine

// maxCachedConversations bounds the conversation cache. When it is full
// the cache starts again empty, which costs reloads but no correctness.
const maxCachedConversations = 8192

// convCache keeps, across transactions, the conversations and tickets
// that committed batches left behind, with their scorer state decoded,
// so that a busy conversation is not read and decoded from the store on
// every batch. Only the writer goroutine uses it.
//
// A cached entry is exactly what the store holds: it is added only after
// its batch committed, a batch works on a copy of it, and every change to
// a conversation or ticket goes through a batch entry. Work that changes
// the store in other ways (erasure, purges, document saves) clears the
// cache when it commits.
type convCache struct {
	entries map[string]*convEntry
}

// get returns a private copy of the cached entry for the conversation id.
func (c *convCache) get(id string) (*convEntry, bool) {
	cached, ok := c.entries[id]
	if !ok {
		return nil, false
	}
	return cached.copy(), true
}

// has reports whether the conversation id is cached.
func (c *convCache) has(id string) bool {
	_, ok := c.entries[id]
	return ok
}

// keep stores the entries of a committed batch.
func (c *convCache) keep(entries []*convEntry) {
	if c.entries == nil || len(c.entries)+len(entries) > maxCachedConversations {
		c.entries = make(map[string]*convEntry, len(entries))
	}
	for _, e := range entries {
		e.dirty = false
		c.entries[e.conv.ID] = e
	}
}

// clear empties the cache.
func (c *convCache) clear() { c.entries = nil }

// copy returns an entry that a batch may change without touching e.
func (e *convEntry) copy() *convEntry {
	conv := *e.conv
	state := e.state
	// The scorer appends to Recent and drops from its front, but it
	// does not change a stored signature in place.
	state.Recent = append([][]uint32(nil), e.state.Recent...)
	return &convEntry{conv: &conv, state: state, ticket: e.ticket.Clone()}
}
