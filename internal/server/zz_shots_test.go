package server_test

import (
	"fmt"
	"net/http"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestZZShots(t *testing.T) {
	dir := os.Getenv("SHOTS")
	if dir == "" {
		t.Skip()
	}
	a := newApp(t)
	tok := a.tokenFor(a.signup("shot_ann").app.cat.Cases[0].Slug[:0] + "shot_ann")
	ids := []int64{}
	for _, slug := range []string{"homepage-recommendations", "fraud-account-sharing", "churn-retention"} {
		id := putReference(t, a, tok, slug)
		ids = append(ids, id)
		a.api("POST", fmt.Sprintf("/api/v1/designs/%d/submit", id), tok, nil)
	}
	// a weaker attempt using the held-out medium design
	b, _ := os.ReadFile("../rubric/testdata/holdout/search-discovery/medium.json")
	r := a.api("POST", "/api/v1/designs/import", tok, string(b))
	var d designJSON
	r.json(t, &d)
	a.api("POST", fmt.Sprintf("/api/v1/designs/%d/submit", d.ID), tok, nil)
	wantStatus(t, r, http.StatusCreated)
	ctx := newBrowser(t)
	do(t, ctx, "login", login(a, "shot_ann"))
	shot := func(name, path string, w int) {
		do(t, ctx, name, chromedp.EmulateViewport(int64(w), 900), chromedp.Navigate(a.srv.URL+path), chromedp.Sleep(700e6))
		png := get(t, ctx, name, chromedp.FullScreenshot(100))
		os.WriteFile(dir+"/"+name+".png", png, 0o644)
	}
	shot("progress", "/progress", 1280)
	shot("compare", fmt.Sprintf("/designs/%d/compare", d.ID), 1280)
	for _, k := range a.cat.Cases {
		shot("case-"+k.Slug, "/cases/"+k.Slug, 1280)
	}
	shot("catalog-phone", "/", 390)
	shot("case-phone", "/cases/artwork-personalization", 390)
	shot("report", fmt.Sprintf("/designs/%d/report", d.ID), 1280)
	shot("editor", fmt.Sprintf("/designs/%d", ids[0]), 1280)
}
