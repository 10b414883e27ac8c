package store

import "context"

// MigrateTo applies the migrations up to version, for upgrade tests.
func (s *Store) MigrateTo(ctx context.Context, version int64) error {
	p, err := s.migrations()
	if err != nil {
		return err
	}
	_, err = p.UpTo(ctx, version)
	return err
}

// Rebind turns ? placeholders into the dialect's.
func (s *Store) Rebind(q string) string { return s.db.Rebind(q) }
