package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sprintguard/sprintguard/triage"
)

// deliveryFormat is the first byte of an inbox value in the compact
// format. Older values are JSON objects, whose first byte is '{', and are
// still read.
//
// The compact format is the format byte, then the kind, the key and the
// received time (time.Time's binary form, which keeps its offset as JSON
// did), each as a uvarint length and its bytes, then the body to the end.
// The sequence is the value's key. Storing the body as it came spares the
// JSON encoding's base64 (a third more bytes to write and fsync before the
// acknowledgement) and its reflection on every Accept and read.
const deliveryFormat = 0x01

// appendDelivery appends d's inbox value to dst.
func appendDelivery(dst []byte, d *triage.Delivery) ([]byte, error) {
	dst = append(dst, deliveryFormat)
	dst = appendField(dst, d.Kind)
	dst = appendField(dst, d.Key)
	at, err := d.Received.AppendBinary(make([]byte, 0, 16))
	if err != nil {
		return nil, fmt.Errorf("encode received time: %w", err)
	}
	dst = appendField(dst, string(at))
	return append(dst, d.Body...), nil
}

// deliverySize is an upper bound of the length of d's inbox value.
func deliverySize(d *triage.Delivery) int {
	return 1 + 3*binary.MaxVarintLen64 + len(d.Kind) + len(d.Key) + 16 + len(d.Body)
}

// appendField appends s after its length, as reader reads it back
// (r.bytes(int(r.uvarint()))).
func appendField(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// errShortDelivery reports an inbox value cut short.
var errShortDelivery = errors.New("delivery value cut short")

// decodeDelivery reads an inbox value in either format into a new
// Delivery whose sequence is seq. The body is copied: v belongs to bbolt.
func decodeDelivery(seq uint64, v []byte) (*triage.Delivery, error) {
	d := &triage.Delivery{}
	if len(v) == 0 || v[0] != deliveryFormat {
		if err := json.Unmarshal(v, d); err != nil {
			return nil, err
		}
		d.Seq = seq
		return d, nil
	}
	r := reader{b: v[1:], short: errShortDelivery}
	field := func() []byte { return r.bytes(int(r.uvarint())) }
	kind, key, at := field(), field(), field()
	if r.err != nil {
		return nil, r.err
	}
	if err := d.Received.UnmarshalBinary(at); err != nil {
		return nil, fmt.Errorf("decode received time: %w", err)
	}
	rest := r.b
	d.Seq, d.Kind, d.Key = seq, string(kind), string(key)
	if len(rest) > 0 {
		d.Body = append([]byte(nil), rest...)
	}
	return d, nil
}
