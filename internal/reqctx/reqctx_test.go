package reqctx

import (
	"context"
	"testing"
)

func TestFromWithoutInfoIsTheSystem(t *testing.T) {
	if a := From(context.Background()).Actor; a.Kind != System {
		t.Fatalf("actor = %+v", a)
	}
}

func TestWithActorKeepsRequestAndIP(t *testing.T) {
	ctx := With(context.Background(), Info{RequestID: "r-1", IP: "203.0.113.5", Actor: Actor{Kind: Anonymous}})
	ctx = WithActor(ctx, Actor{Kind: Client, ID: "c-7"})
	got := From(ctx)
	if got.RequestID != "r-1" || got.IP != "203.0.113.5" || got.Actor != (Actor{Kind: Client, ID: "c-7"}) {
		t.Fatalf("info = %+v", got)
	}
}
