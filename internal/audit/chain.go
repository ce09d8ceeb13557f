package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"
)

// chainDomain separates this hash from every other SHA-256 in the system, and names the
// encoding version so that a future change of the encoding cannot be confused with this one.
const chainDomain = "nesie/audit/event/v1\x00"

// row is one sealed event as stored.
type row struct {
	Seq          int64
	OccurredAt   int64 // µs since the epoch
	SealedAt     int64 // µs since the epoch
	ActorKind    string
	ActorID      string
	Action       string
	ObjectType   string
	ObjectID     string
	RequestID    string
	IP           string
	Details      string
	ChangeDigest []byte
	Hash         []byte
}

// chainer computes event hashes, reusing its buffers across events so that verifying
// millions of events allocates nothing per event.
type chainer struct {
	h   hash.Hash
	buf []byte
	sum [sha256.Size]byte
}

func newChainer() *chainer { return &chainer{h: sha256.New(), buf: make([]byte, 0, 512)} }

// next returns hash(prev, r): SHA-256 over the domain tag, the previous hash and the
// canonical encoding of every stored field of r but the hash itself. The returned slice is
// valid until the next call.
func (c *chainer) next(prev []byte, r *row) []byte {
	f := [...][]byte{[]byte(r.ActorKind), []byte(r.ActorID), []byte(r.Action), []byte(r.ObjectType),
		[]byte(r.ObjectID), []byte(r.RequestID), []byte(r.IP), []byte(r.Details), r.ChangeDigest}
	return c.nextFields(prev, r.Seq, r.OccurredAt, r.SealedAt, &f)
}

// nextFields is next over raw column bytes, in the order actor kind, actor id, action,
// object type, object id, request id, IP, details, change digest. Integers are 8-byte
// big-endian; every byte field carries a 4-byte length first, so no two different rows
// encode to the same bytes.
func (c *chainer) nextFields(prev []byte, seq, occurredAt, sealedAt int64, f *[9][]byte) []byte {
	b := c.buf[:0]
	b = append(b, chainDomain...)
	b = append(b, prev...)
	b = binary.BigEndian.AppendUint64(b, uint64(seq))
	b = binary.BigEndian.AppendUint64(b, uint64(occurredAt))
	b = binary.BigEndian.AppendUint64(b, uint64(sealedAt))
	for _, s := range f {
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	c.buf = b
	c.h.Reset()
	c.h.Write(b)
	return c.h.Sum(c.sum[:0])
}

// genesis is the "previous hash" of the first event.
var genesis = make([]byte, sha256.Size)
