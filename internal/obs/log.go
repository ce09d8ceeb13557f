// Package obs is how Nesie observes itself: structured JSON logs that mask personal data and
// carry the request id and actor, and Prometheus metrics kept in a registry of their own.
package obs

import (
	"context"
	"io"
	"log/slog"

	"nesie.kz/nesie/internal/reqctx"
)

// NewLogger returns a JSON logger writing to w at level and above (a *slog.LevelVar works too,
// to change the level at run time).
//
// Personal data is masked by attribute key before it is written (see maskAttr): an IIN logs as
// 900101******, a password as ***. A value that implements slog.LogValuer is resolved first, so
// a type that masks itself is masked once more by key, which is harmless.
//
// When a line is logged with a context (logger.InfoContext(ctx, …)), the request id and the
// actor carried by reqctx are added, so that every line about a request can be found by its id.
// A line logged under a group (logger.WithGroup) carries them inside that group.
func NewLogger(w io.Writer, level slog.Leveler) *slog.Logger {
	json := slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level, ReplaceAttr: maskAttr})
	return slog.New(contextHandler{next: json})
}

// contextHandler adds request_id and actor from reqctx to each record.
type contextHandler struct {
	next slog.Handler
}

func (h contextHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h contextHandler) Handle(ctx context.Context, rec slog.Record) error {
	if ctx == nil {
		return h.next.Handle(ctx, rec)
	}
	info := reqctx.From(ctx)
	// The record is cloned because copies of a Record share their attribute storage.
	rec = rec.Clone()
	if info.RequestID != "" {
		rec.AddAttrs(slog.String("request_id", info.RequestID))
	}
	rec.AddAttrs(slog.String("actor", actorString(info.Actor)))
	return h.next.Handle(ctx, rec)
}

func (h contextHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return contextHandler{next: h.next.WithAttrs(attrs)}
}

func (h contextHandler) WithGroup(name string) slog.Handler {
	return contextHandler{next: h.next.WithGroup(name)}
}

// actorString renders an actor the way logs show it: "client:42", "staff:7", "system:eod", or
// the bare kind when the actor has no id ("anonymous").
func actorString(a reqctx.Actor) string {
	if a.ID == "" {
		return string(a.Kind)
	}
	return string(a.Kind) + ":" + a.ID
}
