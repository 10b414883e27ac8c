package store_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/pipeline"
	"github.com/casebench/casebench/internal/store"
	"github.com/casebench/casebench/internal/store/storetest"
)

// TestBackupUnderLoad takes a backup while writers save designs, restores
// it (opens the copy as a database), and finds every save acknowledged
// before the backup began, each design's title matching its version.
func TestBackupUnderLoad(t *testing.T) {
	ctx := context.Background()
	s := storetest.SQLite(t)
	u := mustUser(t, s, "ann")
	const designs, writers = 8, 4
	ids := make([]int64, designs)
	for i := range ids {
		d := &design.Design{OwnerID: u.ID, Case: "artwork-personalization", Title: "v1", Sections: design.Answers{}, Pipeline: pipeline.Graph{}}
		if err := s.CreateDesign(ctx, d); err != nil {
			t.Fatal(err)
		}
		ids[i] = d.ID
	}
	var mu sync.Mutex
	acked := map[int64]int64{} // design -> the last version acknowledged
	started := make(chan struct{})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var saves int
	for w := range writers {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := ids[(w+i*writers)%designs]
				d, err := s.OwnDesign(ctx, u.ID, id)
				if err != nil {
					t.Error(err)
					return
				}
				title := "v" + strconv.FormatInt(d.Version+1, 10)
				saved, err := s.UpdateDesign(ctx, u.ID, id, store.Update{Version: d.Version, Title: &title})
				if errors.Is(err, store.ErrConflict) {
					continue
				}
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				acked[id] = max(acked[id], saved.Version)
				saves++
				if saves == 40 {
					close(started)
				}
				mu.Unlock()
			}
		})
	}
	<-started
	mu.Lock()
	before := maps.Clone(acked)
	mu.Unlock()
	path := filepath.Join(t.TempDir(), "backup.db")
	err := s.Backup(ctx, path)
	mu.Lock()
	during := saves
	mu.Unlock()
	// Writes go on after the backup, too.
	for {
		mu.Lock()
		n := saves
		mu.Unlock()
		if n >= during+40 || t.Failed() {
			break
		}
		time.Sleep(time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(ctx, path); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("a second backup over the first: %v", err)
	}

	restored, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	var check string
	if err := restored.DB().QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity check: %q %v", check, err)
	}
	if n, err := restored.Migrate(ctx); err != nil || n != 0 {
		t.Fatalf("migrate the restored copy: %d, %v", n, err)
	}
	for _, id := range ids {
		d, err := restored.OwnDesign(ctx, u.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if d.Version < before[id] {
			t.Errorf("design %d: the backup has version %d, but %d was acknowledged before it began", id, d.Version, before[id])
		}
		if d.Title != fmt.Sprintf("v%d", d.Version) {
			t.Errorf("design %d: version %d with title %q", id, d.Version, d.Title)
		}
	}
	t.Logf("%d saves acknowledged before the backup, %d in all", sumValues(before)-designs, saves)
}

func sumValues(m map[int64]int64) int {
	n := 0
	for _, v := range m {
		n += int(v)
	}
	return n
}

func TestBackupPostgres(t *testing.T) {
	s := storetest.Postgres(t)
	if err := s.Backup(context.Background(), filepath.Join(t.TempDir(), "x")); !errors.Is(err, store.ErrBackupPostgres) {
		t.Fatalf("Backup on PostgreSQL: %v", err)
	}
}
