package store

import (
	"sync"
	"time"

	"github.com/casebench/casebench/internal/auth"
)

// Keeping what a signed-in page reads: on SQLite, one process owns the
// database, so the session and the user (with the navigation counts) it
// has just read may serve the next pages for a moment. An entry is kept
// for at most cacheFor, and none read before a write survives it: every
// write to the database (its end, for a transaction) makes all of them
// stale, so a sign-out, a role change or a new review is seen at once. A
// write by another process on the same file (the casebench command line)
// is seen within cacheFor. PostgreSQL, which may serve several servers,
// always reads the database.
const (
	cacheFor = 2 * time.Second
	cacheMax = 4096 // entries of each kind; the cache starts afresh past it
)

type readCache struct {
	mu       sync.Mutex
	sessions map[string]cachedSession
	users    map[int64]cachedUser
}

type cachedSession struct {
	data []byte
	gen  int64     // the store's writes when it was read
	at   time.Time // the store's clock when it was read
}

type cachedUser struct {
	u   auth.User
	nav NavCounts
	gen int64
	at  time.Time
}

func newReadCache() *readCache {
	return &readCache{sessions: map[string]cachedSession{}, users: map[int64]cachedUser{}}
}

// fresh reports whether an entry read at at, when the store had done gen
// writes, may still be used at now with writes done.
func fresh(gen, writes int64, at, now time.Time) bool {
	return gen == writes && !now.Before(at) && now.Sub(at) <= cacheFor
}

// session returns the kept data of a session token. writes is the store's
// count of writes, read before anything else.
func (c *readCache) session(token string, writes int64, now time.Time) ([]byte, bool) {
	c.mu.Lock()
	e, ok := c.sessions[token]
	c.mu.Unlock()
	if !ok || !fresh(e.gen, writes, e.at, now) {
		return nil, false
	}
	return e.data, true
}

func (c *readCache) keepSession(token string, data []byte, writes int64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.sessions) >= cacheMax {
		clear(c.sessions)
	}
	c.sessions[token] = cachedSession{data: data, gen: writes, at: now}
}

// user returns a copy of the kept user with that id and their counts.
func (c *readCache) user(id, writes int64, now time.Time) (*auth.User, NavCounts, bool) {
	c.mu.Lock()
	e, ok := c.users[id]
	c.mu.Unlock()
	if !ok || !fresh(e.gen, writes, e.at, now) {
		return nil, NavCounts{}, false
	}
	u := e.u
	return &u, e.nav, true
}

func (c *readCache) keepUser(u *auth.User, nav NavCounts, writes int64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.users) >= cacheMax {
		clear(c.users)
	}
	c.users[u.ID] = cachedUser{u: *u, nav: nav, gen: writes, at: now}
}
