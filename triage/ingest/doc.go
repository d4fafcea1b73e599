// Package ingest reads what users pipe into the desk (native JSON Lines,
// plain-text chat transcripts, Chatwoot webhook payloads and the Customer
// Support on Twitter CSV) and turns it into triage.Event values.
//
// A Reader reads one stream. It yields each accepted event, or a LineError
// that names the source, the line, the field when one is at fault, and what
// to do, and goes on with the next line. Accepted events have passed
// triage.Event.Validate, carry an id, and have their time in UTC.
//
// # Lines
//
// Lines end in LF or CRLF. A UTF-8 byte order mark at the start is
// skipped. Invalid UTF-8 bytes are replaced by U+FFFD, the Unicode
// replacement character, so that the rest of the message is kept. A line
// that contains a NUL byte is rejected, because it usually means UTF-16 or
// binary input. A line longer than Options.MaxLineBytes (1 MiB by
// default) is rejected on its own.
//
// # Event ids
//
// An event keeps the id its source gives. An event without one gets
// triage.DeriveID of its conversation, time, role, type and text, and of
// the number of identical events accepted before it in the stream. So two
// "ok" messages in one second get different ids, and reading the same
// input again gives the same ids. An id that the source repeats is passed
// on, and the daemon decides: the same content is a duplicate and skipped,
// different content is kept and the clash logged.
//
// # JSON Lines
//
// One object a line with the fields id, conversation, at, role, type, text
// and customer ({"name", "email", "handle"}):
//
//	{"id":"e-77","conversation":"c-1042","at":"2026-03-02T14:05:09.120Z","role":"customer","type":"message","text":"still not working!!"}
//
// "at" is an RFC 3339 time with a UTC offset or Z (a space may stand for
// the "T"); a time without an offset is rejected. id and conversation may
// also be integers. Unknown fields are kept in Event.Extra; unknown fields
// inside customer are dropped. Blank lines are skipped. Options.Conversation
// fills in events that have no conversation.
//
// # Transcripts
//
// A transcript is one conversation, one line per event:
//
//	# conversation: c-1042
//	# date: 2026-03-02
//	# timezone: Europe/Berlin
//	[14:05:01] Customer is typing…
//	[14:05:09] Customer: it still fails
//	  and the app closes
//	[14:06:30] Agent (Ana): Sorry about that. Which version?
//	(2:07:10 PM) Customer: 4.2
//	[2026-03-02 14:30:00] Conversation closed
//
// The conversation id is Options.Conversation, else the "# conversation:"
// header, else the base name of Options.Source without its extension.
// Stdin and device paths have no usable name, so their events are rejected
// when there is neither.
//
// A timestamp in square brackets or parentheses starts an event. It is a
// time such as 14:05:09, 14:05 or 2:05:09 PM, optionally after a date
// (2026-03-02 14:05:09 or 2026-03-02T14:05:09), with optional fractional
// seconds and an optional offset (Z, UTC, +02:00). A time without an
// offset is in the zone of Options.Location, else of the "# timezone:"
// header (an IANA name or an offset), else UTC. A time without a date takes
// the date of the "# date:" header or of the last dated line, and is
// rejected when there is none. When such a time is earlier than the line
// before it, the date moves on one day.
//
// After the timestamp comes one of:
//
//   - "Speaker: text", a message. The speakers Agent and Support, with or
//     without a name in brackets such as "Agent (Ana)", are agents; Bot and
//     "Bot (name)" are bots; any other speaker is the customer. A customer
//     speaker other than Customer, Visitor, User or Client is kept as the
//     customer's name, and "Customer (Jane)" gives the name Jane.
//   - "<nick> text" or "* nick action", IRC messages by a customer whose
//     handle is the nick.
//   - "Speaker is typing", "Speaker is typing…" or "Speaker started
//     typing", a typing event.
//   - "Conversation closed", "Chat ended", "closed" and similar, optionally
//     followed by "by Speaker", a closed event; without "by" it is the
//     agent's.
//
// The speaker as written is kept in Event.Extra["speaker"].
//
// A line without a timestamp continues the message above it and is added
// to its text after a newline, with white space at both ends removed. A
// message is therefore returned only when the next event line or the end
// of the input is read. A line that starts with a space or tab is always
// a continuation line when a message is pending. Continuation lines of a
// rejected line are dropped with it. Blank lines are skipped.
//
// Other lines:
//
//   - "# conversation:", "# date:" (YYYY-MM-DD) and "# timezone:" (or
//     "# tz:") are headers; "# conversation:" must come before the first
//     event. Other lines that start with "# " are comments.
//   - A line framed by three or more "-", "*" or "=" on each side, such as
//     "--- closed ---", is a closed event at the time of the last
//     timestamped line when its inner text is a closing phrase, and is
//     skipped otherwise.
//   - Lines that start with "===" or "***", or that start with "* " and
//     end with " *", are notices of the chat tool, such as IRC joins and
//     Zendesk's "*** Eric joined the chat ***", and are skipped.
//   - "Chat started: 2018-05-18 01:51 PM UTC", the first line of a Zendesk
//     Chat transcript, gives the date and zone.
//
// WriteTranscript writes events in this form, so that tests and demos can
// produce transcripts that a Reader reads back.
//
// # Chatwoot webhook payloads
//
// One payload a line, or pretty-printed payloads that span lines, one
// after another (a payload ends where its outer braces close). Event ids
// are "cw-" and Chatwoot's message id, conversation ids "cw-" and
// Chatwoot's conversation id. ParseChatwoot documents how events, roles
// and times are read. A payload that is valid but carries no chat event,
// such as webwidget_triggered or a private note, yields an Item with
// Skipped set when Options.ReportSkipped asks for it.
//
// A message_updated whose text equals the text read earlier under its id
// keeps that id, so the daemon skips it as a duplicate. One whose text
// changed gets ChatwootEditID, so the edit is kept beside the original.
// A message_updated of a message not read earlier in the stream keeps the
// original id, and the daemon decides.
//
// # Customer Support on Twitter CSV
//
// The CSV of the Kaggle data set "Customer Support on Twitter": a header
// row naming tweet_id, author_id, inbound, created_at, text,
// response_tweet_id and in_response_to_tweet_id (in any order), then one
// tweet a record; quoted fields may span lines. inbound True is the
// customer, whose handle is the author_id; False is an agent of the brand
// named in author_id. created_at reads like "Tue Oct 31 22:10:47 +0000
// 2017". Event ids are "twcs-" and the tweet id.
//
// Tweets are threaded by their reply links: a tweet's conversation is
// "twcs-" and the id of the topmost tweet of its thread that is in the
// input. A tweet whose parent is missing from the input is the root of
// its own conversation, so nothing is dropped, but a thread cut in two
// becomes two conversations. Replies may come before their parents, so the
// reader holds every row until the input ends; its memory grows with the
// input.
//
// # Format detection
//
// FormatAuto reads the first non-blank character: "{" means JSON, and
// "[", "(" or "#" a transcript. JSON whose first object has a string
// "event" field and no "at" field is Chatwoot, other JSON is native JSON
// Lines. A first line that is the TWCS header row means FormatTWCS.
// Anything else is an error that asks for an explicit format.
//
// # Following a growing file
//
// A Follower reads a file as tail -F does. Next returns each Item with the
// FollowState to save once that Item and every one before it are handled,
// and ErrNeedInput when the file has nothing new. Wait then blocks until it
// has. A truncated file, or a new file renamed into place, is read from its
// first byte by a new Reader. A transcript message that waits for
// continuation lines is sent after FollowOptions.Quiet without a new line,
// and a continuation line that arrives later is rejected. FollowOptions.Resume
// skips the Items an earlier run handled when the file's size and the
// fingerprint of its first FingerprintBytes bytes still match. The file is
// still read from its start, so that headers and derived ids match the
// earlier run. The TWCS CSV cannot be followed.
//
// A Reader over any source that returns ErrNeedInput returns it from Next
// and can be called again when the source has more input.
package ingest
