// Package logctx carries log attributes in a context, so that every line
// logged while handling one Slack delivery or one outbox job names it
// (delivery, event and request ids) without passing loggers around.
package logctx

import (
	"context"
	"log/slog"
)

type key struct{}

// With returns ctx carrying attrs (key-value pairs, as slog takes them)
// after any it already carries.
func With(ctx context.Context, args ...any) context.Context {
	prev, _ := ctx.Value(key{}).([]any)
	return context.WithValue(ctx, key{}, append(append([]any(nil), prev...), args...))
}

// Handler adds the attributes of the record's context to each record. It
// is safe for concurrent use if the handler it wraps is.
type Handler struct{ slog.Handler }

// Handle adds ctx's attributes and passes the record on.
func (h Handler) Handle(ctx context.Context, r slog.Record) error {
	if args, ok := ctx.Value(key{}).([]any); ok {
		r.Add(args...)
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs keeps the wrapper around the derived handler.
func (h Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return Handler{h.Handler.WithAttrs(attrs)}
}

// WithGroup keeps the wrapper around the derived handler.
func (h Handler) WithGroup(name string) slog.Handler { return Handler{h.Handler.WithGroup(name)} }
