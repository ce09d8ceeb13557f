package app

import "nesie.kz/nesie/internal/obs"

// Backlogs are the probes of the queues the services keep, for the operator's metrics
// (obs.NewBacklogCollector): the payout outbox, the staff's review queue and the message
// outbox. The audit trail's inbox belongs to the sealer, which the caller runs.
func (s *Services) Backlogs() []obs.BacklogProbe {
	return []obs.BacklogProbe{
		{Name: "payout", Read: s.Payouts.Backlog},
		{Name: "underwriting", Read: s.Underwriting.Backlog},
		{Name: "notify", Read: s.Outbox.Backlog},
	}
}
