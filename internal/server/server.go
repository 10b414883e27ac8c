// Package server is casebench's web application: routes, handlers,
// middleware, the page renderer and the error handler, on Echo.
package server

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/go-playground/validator/v10"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/casebench/casebench/internal/auth"
	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/rubric"
	"github.com/casebench/casebench/internal/srs"
	"github.com/casebench/casebench/internal/store"
	"github.com/casebench/casebench/web"
)

// Store is what the server needs of the database.
type Store interface {
	Ping(ctx context.Context) error
	CreateUser(ctx context.Context, name, passwordHash string, role auth.Role) (*auth.User, error)
	UserByName(ctx context.Context, name string) (*auth.User, error)
	UserByID(ctx context.Context, id int64) (*auth.User, error)
	UserWithCounts(ctx context.Context, id int64) (*auth.User, store.NavCounts, error)
	UserByToken(ctx context.Context, token string) (*auth.User, error)
	CreateDesign(ctx context.Context, d *design.Design) error
	OwnDesign(ctx context.Context, userID, id int64) (*design.Design, error)
	OwnDesignVersion(ctx context.Context, userID, id int64) (int64, design.Status, error)
	ListDesigns(ctx context.Context, userID int64) ([]store.Summary, error)
	UpdateDesign(ctx context.Context, userID, id int64, u store.Update) (*design.Design, error)
	DeleteDesign(ctx context.Context, userID, id int64) error
	SubmitDesign(ctx context.Context, userID, id, version int64, rep *rubric.Report) (*design.Design, error)
	CopyDesign(ctx context.Context, userID, id int64, title string) (*design.Design, error)
	Reports(ctx context.Context, designID int64) ([]store.StoredReport, error)
}

// Options are what a Server is built from.
type Options struct {
	Catalog     *catalog.Catalog
	Store       Store
	Sessions    scs.Store
	Logger      *slog.Logger
	Secure      bool          // cookies only over TLS
	LoginPerMin int           // failed logins per name and address before delays (3 times as many per address)
	LoginDelay  time.Duration // the first delay after those, doubling with each failure (default 2s)
	BodyLimit   string
	ExtractIP   echo.IPExtractor
	SessionLife time.Duration
	Reviews     ReviewStore   // default: Store, when it implements ReviewStore
	Practice    PracticeStore // default: Store, when it implements PracticeStore
	Tokens      TokenStore    // default: Store, when it implements TokenStore
	Drills      DrillStore    // default: Store, when it implements DrillStore
	// DrillReviews is peer review of drill answers (default: Store, when
	// it implements DrillReviewStore).
	DrillReviews DrillReviewStore
	// Now is the server's clock (default time.Now), for drill schedules
	// and timed sets; tests move it.
	Now          func() time.Time
	Diagrams     Renderer // nil: diagrams are not drawn
	RenderPerMin int      // renders per minute per address on POST /api/v1/render
	// RequestTimeout bounds the context of every request (default 20s).
	RequestTimeout time.Duration
	// MetricsAllow are the addresses that may read /metrics (nil: loopback);
	// MetricsToken, when set, may read it from anywhere as a bearer token.
	MetricsAllow []*net.IPNet
	MetricsToken string
}

// pageCacheBytes bounds the memory of cached page contents.
const pageCacheBytes = 24 << 20

// sessionIdle signs a session out after this long without a request.
const sessionIdle = 7 * 24 * time.Hour

// Server is the casebench web application.
type Server struct {
	e        *echo.Echo
	cat      *catalog.Catalog
	store    Store
	sessions *scs.SessionManager
	log      *slog.Logger
	views    *views
	pages    *pageCache
	shellMu  sync.Mutex
	shells   map[string]shell // see shellFor
	login    *limiter         // sign-ups per address
	throttle *loginThrottle
	secure   bool

	diagrams     Renderer
	renderLimit  *limiter
	reviews      ReviewStore
	practice     PracticeStore
	outage       *outageLog
	tokens       TokenStore
	drills       DrillStore
	loops        LoopStore
	drillReviews DrillReviewStore
	now          func() time.Time
	scheduler    srs.Scheduler

	metrics      *metrics
	metricsAllow []*net.IPNet
	metricsToken string
}

// New builds the application: it parses every template (a missing or
// broken template fails here, not on a request) and registers the routes.
func New(o Options) (*Server, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.LoginPerMin == 0 {
		o.LoginPerMin = 10
	}
	if o.LoginDelay <= 0 {
		o.LoginDelay = 2 * time.Second
	}
	if o.BodyLimit == "" {
		o.BodyLimit = "2M"
	}
	if o.ExtractIP == nil {
		o.ExtractIP = echo.ExtractIPDirect()
	}
	if o.SessionLife == 0 {
		o.SessionLife = 14 * 24 * time.Hour
	}
	if o.RenderPerMin == 0 {
		o.RenderPerMin = 120
	}
	if o.MetricsAllow == nil {
		o.MetricsAllow = []*net.IPNet{{IP: net.IPv4(127, 0, 0, 0), Mask: net.CIDRMask(8, 32)}, {IP: net.IPv6loopback, Mask: net.CIDRMask(128, 128)}}
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 20 * time.Second
	}
	if o.Reviews == nil {
		rs, ok := o.Store.(ReviewStore)
		if !ok {
			return nil, fmt.Errorf("the store does not support peer review")
		}
		o.Reviews = rs
	}
	if o.Tokens == nil {
		ts, ok := o.Store.(TokenStore)
		if !ok {
			return nil, fmt.Errorf("the store does not support API tokens")
		}
		o.Tokens = ts
	}
	if o.Drills == nil {
		ds, ok := o.Store.(DrillStore)
		if !ok {
			return nil, fmt.Errorf("the store does not support drills")
		}
		o.Drills = ds
	}
	if o.DrillReviews == nil {
		ds, ok := o.Store.(DrillReviewStore)
		if !ok {
			return nil, fmt.Errorf("the store does not support peer review of drill answers")
		}
		o.DrillReviews = ds
	}
	loops, ok := o.Drills.(LoopStore)
	if !ok {
		return nil, fmt.Errorf("the store does not support full loops")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Practice == nil {
		ps, ok := o.Store.(PracticeStore)
		if !ok {
			return nil, fmt.Errorf("the store does not support practice")
		}
		o.Practice = ps
	}
	static, _ := fs.Sub(web.Static, "static")
	v, err := newViews(web.Templates, static, map[string][]byte{"kinds.css": kindsCSS}, o.Catalog)
	if err != nil {
		return nil, err
	}
	sm := scs.New()
	sm.Store = o.Sessions
	sm.Codec = newSessionCodec()
	sm.Lifetime = o.SessionLife
	// The idle timeout is kept by sessionActive, not by scs, whose own
	// would write the session back on every request.
	sm.Cookie.Name = "casebench_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = o.Secure

	s := &Server{
		e: echo.New(), cat: o.Catalog, store: o.Store, sessions: sm, log: o.Logger,
		views: v, pages: newPageCache(pageCacheBytes), shells: map[string]shell{}, login: newLimiter(o.LoginPerMin, time.Minute), secure: o.Secure,
		diagrams: o.Diagrams, renderLimit: newLimiter(o.RenderPerMin, time.Minute), reviews: o.Reviews, practice: o.Practice,
		outage: newOutageLog(o.Logger, 10*time.Second), tokens: o.Tokens, throttle: newLoginThrottle(o.LoginPerMin, o.LoginDelay),
		metrics: newMetrics(o.Store, o.Diagrams), metricsAllow: o.MetricsAllow, metricsToken: o.MetricsToken,
		drills: o.Drills, loops: loops, drillReviews: o.DrillReviews, scheduler: srs.NewScheduler(),
	}
	clock := o.Now
	s.now = func() time.Time { return clock().UTC().Truncate(time.Microsecond) }
	s.store = countSaves{o.Store, s.metrics}
	s.outage.counter = s.metrics.unavailable
	sm.ErrorFunc = s.sessionError
	e := s.e
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = o.ExtractIP
	e.Validator = &formValidator{v: validator.New(validator.WithRequiredStructEnabled())}
	e.HTTPErrorHandler = s.handleError
	e.Renderer = v

	// Recovery comes first, so that it covers every middleware, the
	// request log and the error handler it calls.
	e.Pre(s.recoverPanics)
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: http.StatusMovedPermanently}))
	e.Use(middleware.RequestID())
	e.Use(compress)
	e.Use(s.logRequests)
	e.Use(securityHeaders(o.Secure))
	e.Use(middleware.BodyLimit(o.BodyLimit))
	e.Use(s.checkInput)
	e.Use(middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{Timeout: o.RequestTimeout}))

	e.GET("/static/*", s.handleAsset)
	e.GET("/healthz", s.handleHealth)
	e.GET("/metrics", s.handleMetrics())
	e.GET("/kinds.css", s.handleKindsCSS)
	// Stateless tools that use no cookie need no CSRF check.
	// The render endpoint reads who asks (token or session) only to share
	// the renderer fairly; anyone may use it.
	e.POST("/api/v1/render", s.handleRender, echo.WrapMiddleware(sm.LoadAndSave), s.loadUser)
	e.POST("/api/v1/pipeline/check", s.handlePipelineCheck)
	e.POST("/api/v1/check", s.apiCheck)

	// Everything below knows the user: from a bearer token, or from the
	// session cookie, whose forms and requests are CSRF-checked.
	app := e.Group("", echo.WrapMiddleware(sm.LoadAndSave), s.csrf(), s.loadUser)
	s.routesPages(app)
	s.routesAPI(app.Group("/api/v1"))
	// The hash an unknown name's login is checked against is made a little
	// after start, off the path to the first page.
	time.AfterFunc(time.Second, auth.WarmDummy)
	// Rubrics compile when first used; compiling them all now, while the
	// first pages are served, keeps the first check from waiting.
	go o.Catalog.Compile()
	go func() {
		if err := v.warmCases(); err != nil {
			s.log.Error("case page", "err", err)
		}
	}()
	return s, nil
}

// Handler returns the application as an http.Handler.
func (s *Server) Handler() http.Handler { return s.e }

// HTTPServer returns an http.Server for addr with timeouts set, so that slow
// clients cannot hold connections forever.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s.e,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

func (s *Server) routesPages(g *echo.Group) {
	g.GET("/", s.handleCatalog)
	g.GET("/cases/:slug", s.handleCase)
	g.GET("/signup", s.handleSignupForm)
	g.POST("/signup", s.handleSignup)
	g.GET("/login", s.handleLoginForm)
	g.POST("/login", s.handleLogin)
	g.POST("/logout", s.handleLogout)

	d := g.Group("/designs", s.requireUser)
	d.GET("", s.handleDesignList)
	d.POST("", s.handleDesignCreate)
	d.GET("/:id", s.handleDesignEdit)
	d.POST("/:id", s.handleDesignSave)
	d.POST("/:id/delete", s.handleDesignDelete)
	d.GET("/:id/report", s.handleReport)
	d.GET("/:id/submit", s.confirmSubmit(nil))
	d.POST("/:id/submit", s.confirmSubmit(s.handleSubmit))
	d.POST("/:id/attempt", s.handleNewAttempt)
	d.GET("/:id/reviews", s.handleDesignReviews)
	d.POST("/:id/reviews/:rid/helpfulness", s.handleRate)
	d.POST("/:id/rulings", s.handleSettle)
	d.GET("/:id/followups", s.handleFollowUps)
	d.POST("/:id/followups", s.handleFollowUpAnswer)
	d.GET("/:id/compare", s.handleCompare)
	d.GET("/:id/reference.svg", s.handleReferenceImage)
	d.POST("/import", s.handleImport)
	s.routesExport(d)
	s.routesPipeline(d)
	g.GET("/progress", s.handleProgress, s.requireUser)
	g.GET("/diagram", s.handleDiagramView, s.requireUser)

	r := g.Group("/reviews", s.requireUser)
	r.GET("", s.handleQueue)
	r.GET("/calibrate/:slug", s.handleCalibrateForm)
	r.POST("/calibrate/:slug", s.handleCalibrate)
	r.GET("/calibrate/:slug/pipeline.svg", s.handleReferencePipeline)
	r.GET("/:id", s.handleReviewPage)
	r.POST("/:id", s.handleReviewSubmit)
	r.GET("/:id/pipeline.svg", s.handleReviewPipeline)
	g.GET("/profile", s.handleProfile, s.requireUser)
	s.routesTokens(g)
	g.GET("/mentor", s.handleMentor, s.requireUser)
	s.routesDrills(g)
}

// routesExport serves a design as Markdown, JSON and a zip bundle.
func (s *Server) routesExport(g *echo.Group) {
	for _, ext := range []string{"md", "json", "zip"} {
		g.GET("/:id/export."+ext, s.handleExport(ext))
	}
}

// routesPipeline serves a design's pipeline as an image or DOT.
func (s *Server) routesPipeline(g *echo.Group) {
	for _, ext := range []string{"svg", "png", "dot", "canonical.dot"} {
		g.GET("/:id/pipeline."+ext, s.handleDesignPipeline(ext))
	}
}

func (s *Server) routesAPI(g *echo.Group) {
	g.GET("/cases", s.apiCases)
	g.GET("/cases/:slug", s.apiCase)
	d := g.Group("/designs", s.requireUser)
	d.GET("", s.apiDesignList)
	d.POST("", s.apiDesignCreate)
	d.GET("/:id", s.apiDesignGet)
	d.PUT("/:id", s.apiDesignPut)
	d.DELETE("/:id", s.apiDesignDelete)
	d.POST("/:id/submit", s.apiSubmit)
	d.GET("/:id/report", s.apiReport)
	d.POST("/:id/reviews", s.apiReviewSubmit)
	d.GET("/:id/reviews", s.apiDesignReviews)
	d.POST("/:id/rulings", s.apiSettle)
	d.POST("/import", s.apiImport)
	s.routesExport(d)
	s.routesPipeline(d)
	g.GET("/review-queue", s.apiQueue, s.requireUser)
	g.POST("/calibrations/:slug", s.apiCalibrate, s.requireUser)
	g.POST("/reviews/:rid/helpfulness", s.apiRate, s.requireUser)
	s.routesDrillAPI(g)
}

func (s *Server) handleHealth(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.outage.failed(err)
		c.Response().Header().Set("Retry-After", retryAfter)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "not answering"})
	}
	s.outage.answered()
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}
