// Package triage holds the domain of the support triage desk: chat events,
// tickets, the records of what happened to them, and the small interfaces
// that storage implements. It imports nothing else from this module, so every
// other package can depend on it.
package triage
