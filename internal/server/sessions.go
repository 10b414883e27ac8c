package server

import (
	"maps"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
)

// sessionCodec is scs's gob codec with the sessions it decoded kept by
// their bytes: decoding gob builds its decoder anew for each session, which
// cost a signed-in page a fifth of its time. A session is a handful of
// numbers and strings, so each request gets its own copy of the map.
type sessionCodec struct {
	scs.GobCodec
	mu   sync.Mutex
	seen map[string]decodedSession
}

type decodedSession struct {
	deadline time.Time
	values   map[string]any
}

// maxDecodedSessions bounds the codec's memory; past it, it starts over.
const maxDecodedSessions = 4096

func newSessionCodec() *sessionCodec { return &sessionCodec{seen: map[string]decodedSession{}} }

func (sc *sessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	sc.mu.Lock()
	d, ok := sc.seen[string(b)]
	sc.mu.Unlock()
	if ok {
		return d.deadline, maps.Clone(d.values), nil
	}
	deadline, values, err := sc.GobCodec.Decode(b)
	if err != nil || !scalars(values) {
		return deadline, values, err
	}
	sc.mu.Lock()
	if len(sc.seen) >= maxDecodedSessions {
		clear(sc.seen)
	}
	sc.seen[string(b)] = decodedSession{deadline, maps.Clone(values)}
	sc.mu.Unlock()
	return deadline, values, nil
}

// scalars reports whether every value is immutable, so that copies of the
// map share nothing a request could change.
func scalars(values map[string]any) bool {
	for _, v := range values {
		switch v.(type) {
		case string, bool, int, int64, float64, time.Time:
		default:
			return false
		}
	}
	return true
}
