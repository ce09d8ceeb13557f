// Package reqctx carries who is acting and on which request through a context, so that the
// audit trail and the logs name the same actor and request id without every function taking
// them as arguments.
package reqctx

import "context"

// ActorKind says what sort of party acts.
type ActorKind string

// The actor kinds. Anonymous is a caller not (yet) authenticated: a failed login is audited
// under it.
const (
	Client    ActorKind = "client"
	Staff     ActorKind = "staff"
	System    ActorKind = "system"
	Anonymous ActorKind = "anonymous"
)

// Actor is the party on whose behalf a change is made.
type Actor struct {
	Kind ActorKind
	ID   string // client or staff id; the job or component name for System
}

// SystemActor returns the actor for background work done by component name.
func SystemActor(name string) Actor { return Actor{Kind: System, ID: name} }

// Info is what a request carries into the domain.
type Info struct {
	RequestID string
	IP        string
	Actor     Actor
}

type key struct{}

// With returns ctx carrying info.
func With(ctx context.Context, info Info) context.Context {
	return context.WithValue(ctx, key{}, info)
}

// From returns the Info carried by ctx; a context without one is the system acting on no
// particular request.
func From(ctx context.Context) Info {
	if info, ok := ctx.Value(key{}).(Info); ok {
		return info
	}
	return Info{Actor: Actor{Kind: System, ID: "nesie"}}
}

// WithActor returns ctx with its actor replaced, keeping request id and IP.
func WithActor(ctx context.Context, a Actor) context.Context {
	info := From(ctx)
	info.Actor = a
	return With(ctx, info)
}
