package wire

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// frame builds a message by hand, with a correct checksum unless sum is
// given.
func frame(magic uint32, cmd string, payload []byte, sum ...byte) []byte {
	b := binary.LittleEndian.AppendUint32(nil, magic)
	var c [CommandSize]byte
	copy(c[:], cmd)
	b = append(b, c[:]...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(payload)))
	if sum == nil {
		s := payloadChecksum(payload)
		sum = s[:]
	}
	return append(append(b, sum...), payload...)
}

func TestVerAckFraming(t *testing.T) {
	// The developer reference's example header: mainnet verack.
	want := msgHex(t, "f9beb4d9 76657261636b000000000000 00000000 5df6e0e2")
	var buf bytes.Buffer
	n, err := WriteMessage(&buf, &MsgVerAck{}, ProtocolVersion, 0xd9b4bef9)
	if err != nil || n != 24 || !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("verack framed as %x (%d, %v), want %x", buf.Bytes(), n, err, want)
	}
	m, raw, err := ReadMessage(&buf, ProtocolVersion, 0xd9b4bef9)
	if err != nil || len(raw) != 0 || m.Command() != CmdVerAck {
		t.Fatalf("ReadMessage: %v %v", m, err)
	}
	h, err := ReadMessageHeader(bytes.NewReader(want))
	wantH := MessageHeader{Magic: 0xd9b4bef9, Command: "verack", Checksum: [4]byte{0x5d, 0xf6, 0xe0, 0xe2}}
	if err != nil || h != wantH {
		t.Fatalf("ReadMessageHeader = %+v, %v", h, err)
	}
}

func pingFrame(nonce uint64) []byte {
	b, _ := AppendMessage(nil, &MsgPing{Nonce: nonce}, ProtocolVersion, testMagic)
	return b
}

// TestReadMessageRecoverable: after a bad checksum, a malformed or unknown
// command or an undecodable payload, the stream is at the next message.
func TestReadMessageRecoverable(t *testing.T) {
	tests := []struct {
		name  string
		first []byte
		want  error
	}{
		{"bad checksum", frame(testMagic, "verack", nil, 1, 2, 3, 4), ErrBadChecksum},
		{"unknown command", frame(testMagic, "filterload", []byte{1, 2, 3}), ErrUnknownCommand},
		{"empty command", frame(testMagic, "", nil), ErrUnknownCommand},
		{"byte after NUL", frame(testMagic, "ver\x00ack", nil), ErrBadCommand},
		{"non-printable", frame(testMagic, "\x01ping", []byte{9}), ErrBadCommand},
		{"DEL", frame(testMagic, "ping\x7f", nil), ErrBadCommand},
		{"short ping", frame(testMagic, "ping", []byte{1, 2, 3, 4}), ErrTruncated},
		{"verack with payload", frame(testMagic, "verack", []byte{0}), ErrTrailingData},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stream := append(bytes.Clone(tt.first), pingFrame(42)...)
			r := bytes.NewReader(stream)
			m, raw, err := ReadMessage(r, ProtocolVersion, testMagic)
			if !errors.Is(err, tt.want) || m != nil {
				t.Fatalf("first message: %v, %v; want %v", m, err, tt.want)
			}
			if !bytes.Equal(raw, tt.first[MessageHeaderSize:]) {
				t.Fatalf("raw payload %x, want %x", raw, tt.first[MessageHeaderSize:])
			}
			m, _, err = ReadMessage(r, ProtocolVersion, testMagic)
			if err != nil || !reflect.DeepEqual(m, &MsgPing{Nonce: 42}) {
				t.Fatalf("second message: %v, %v", m, err)
			}
			if _, _, err := ReadMessage(r, ProtocolVersion, testMagic); err != io.EOF {
				t.Fatalf("after the last message: %v, want io.EOF", err)
			}
		})
	}
}

// failAfter fails the test if more than n bytes are read from it.
type failAfter struct {
	t *testing.T
	r io.Reader
	n int
}

func (f *failAfter) Read(p []byte) (int, error) {
	if f.n <= 0 {
		f.t.Fatal("read past the header")
	}
	n, err := f.r.Read(p[:min(len(p), f.n)])
	f.n -= n
	return n, err
}

func TestReadMessageFatal(t *testing.T) {
	tooLong := frame(testMagic, "block", nil)
	binary.LittleEndian.PutUint32(tooLong[16:], MaxMessagePayload+1)
	tests := []struct {
		name   string
		stream []byte
		want   error
	}{
		{"testnet magic", frame(0x0709110b, "verack", nil), ErrBadMagic},
		{"length over limit", append(tooLong, make([]byte, 100)...), ErrTooLarge},
		{"length 0xffffffff", append(append(tooLong[:16:16], 0xff, 0xff, 0xff, 0xff), tooLong[20:]...), ErrTooLarge},
	}
	for _, tt := range tests {
		r := &failAfter{t: t, r: bytes.NewReader(tt.stream), n: MessageHeaderSize}
		m, raw, err := ReadMessage(r, ProtocolVersion, testMagic)
		if !errors.Is(err, tt.want) || m != nil || raw != nil {
			t.Errorf("%s: %v, %v, %v; want %v", tt.name, m, raw, err, tt.want)
		}
	}
}

func TestReadMessageTruncatedStream(t *testing.T) {
	full := pingFrame(7)
	for _, n := range []int{1, 23, 24, 31} {
		_, _, err := ReadMessage(bytes.NewReader(full[:n]), ProtocolVersion, testMagic)
		if !errors.Is(err, ErrTruncated) || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("stream cut at %d: %v, want ErrTruncated and io.ErrUnexpectedEOF", n, err)
		}
	}
	if _, _, err := ReadMessage(bytes.NewReader(nil), ProtocolVersion, testMagic); err != io.EOF {
		t.Errorf("empty stream: %v, want io.EOF", err)
	}
	if _, err := ReadMessageHeader(bytes.NewReader(nil)); err != io.EOF {
		t.Errorf("ReadMessageHeader of empty stream: %v, want io.EOF", err)
	}
	boom := errors.New("connection reset")
	_, _, err := ReadMessage(io.MultiReader(bytes.NewReader(full[:30]), &errReader{boom}), ProtocolVersion, testMagic)
	if !errors.Is(err, boom) {
		t.Errorf("I/O error: %v, want it wrapped", err)
	}
}

type errReader struct{ err error }

func (e *errReader) Read([]byte) (int, error) { return 0, e.err }

// sizeRecorder records the largest buffer it was asked to fill.
type sizeRecorder struct {
	r   io.Reader
	max int
}

func (s *sizeRecorder) Read(p []byte) (int, error) {
	s.max = max(s.max, len(p))
	return s.r.Read(p)
}

func TestReadPayloadGrowsWithData(t *testing.T) {
	// A header claiming 4 MB followed by 10 bytes must not cost 4 MB.
	lie := frame(testMagic, "block", nil)
	binary.LittleEndian.PutUint32(lie[16:], MaxMessagePayload)
	rec := &sizeRecorder{r: bytes.NewReader(append(lie, make([]byte, 10)...))}
	_, _, err := ReadMessage(rec, ProtocolVersion, testMagic)
	if !errors.Is(err, ErrTruncated) {
		t.Fatalf("short payload: %v", err)
	}
	if rec.max > payloadChunk {
		t.Fatalf("asked to fill %d bytes with 10 available, want at most %d", rec.max, payloadChunk)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 10 {
		_, _ = readPayload(bytes.NewReader(make([]byte, 10)), MaxMessagePayload)
	}
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / 10; per > 2*payloadChunk {
		t.Fatalf("reading 10 bytes of a 4 MB payload allocated %d bytes", per)
	}

	// A large payload arriving in pieces reads whole, into an exact buffer.
	big := &MsgCFilter{BlockHash: seqHash(1), FilterBytes: bytes.Repeat([]byte{0xa5}, 3*payloadChunk+17)}
	framed, err := AppendMessage(nil, big, ProtocolVersion, testMagic)
	if err != nil {
		t.Fatal(err)
	}
	m, raw, err := ReadMessage(&oneByteAtATimeAfter{r: bytes.NewReader(framed), n: 100_000}, ProtocolVersion, testMagic)
	if err != nil || !reflect.DeepEqual(m, big) || cap(raw) != len(raw) {
		t.Fatalf("large payload: %v (cap %d, len %d)", err, cap(raw), len(raw))
	}
}

// oneByteAtATimeAfter returns single bytes once n bytes have been read.
type oneByteAtATimeAfter struct {
	r io.Reader
	n int
}

func (o *oneByteAtATimeAfter) Read(p []byte) (int, error) {
	if o.n <= 0 && len(p) > 1 {
		p = p[:1]
	}
	n, err := o.r.Read(p)
	o.n -= n
	return n, err
}

func TestReadMessageHeaderErrors(t *testing.T) {
	h, err := ReadMessageHeader(bytes.NewReader(frame(testMagic, "in\x00v", []byte{1, 2})))
	if !errors.Is(err, ErrBadCommand) || h.Length != 2 || h.Magic != testMagic {
		t.Fatalf("bad command: %+v, %v (want the header with ErrBadCommand)", h, err)
	}
	long := frame(testMagic, "block", nil)
	binary.LittleEndian.PutUint32(long[16:], MaxMessagePayload+1)
	if _, err := ReadMessageHeader(bytes.NewReader(long)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("long payload: %v", err)
	}
}

type customMessage struct{ cmd string }

func (c *customMessage) Command() string                         { return c.cmd }
func (c *customMessage) AppendPayload(b []byte, _ uint32) []byte { return b }
func (c *customMessage) DecodePayload([]byte, uint32) error      { return nil }

func TestWriteMessageErrors(t *testing.T) {
	for _, cmd := range []string{"thirteenchars", "tab\tcmd", "nul\x00"} {
		var buf bytes.Buffer
		if n, err := WriteMessage(&buf, &customMessage{cmd}, ProtocolVersion, testMagic); !errors.Is(err, ErrBadCommand) || n != 0 || buf.Len() != 0 {
			t.Errorf("command %q: %d, %v", cmd, n, err)
		}
	}
	if _, err := WriteMessage(io.Discard, &customMessage{"twelve-chars"}, ProtocolVersion, testMagic); err != nil {
		t.Errorf("12-character command: %v", err)
	}
	huge := &MsgCFilter{FilterBytes: make([]byte, MaxMessagePayload)}
	var buf bytes.Buffer
	if n, err := WriteMessage(&buf, huge, ProtocolVersion, testMagic); !errors.Is(err, ErrTooLarge) || n != 0 || buf.Len() != 0 {
		t.Errorf("oversized payload: %d, %v", n, err)
	}
	prefix := []byte("keep")
	out, err := AppendMessage(prefix, huge, ProtocolVersion, testMagic)
	if !errors.Is(err, ErrTooLarge) || string(out) != "keep" {
		t.Errorf("AppendMessage failure changed its buffer: %q, %v", out, err)
	}
}

func TestMessageStream(t *testing.T) {
	var stream []byte
	samples := sampleMessages(t)
	for _, m := range samples {
		var err error
		if stream, err = AppendMessage(stream, m, ProtocolVersion, testMagic); err != nil {
			t.Fatal(err)
		}
	}
	r := bytes.NewReader(stream)
	for i, want := range samples {
		got, _, err := ReadMessage(r, ProtocolVersion, testMagic)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("message %d (%s): %v", i, want.Command(), err)
		}
	}
	if _, _, err := ReadMessage(r, ProtocolVersion, testMagic); err != io.EOF {
		t.Fatalf("end of stream: %v", err)
	}
}

func TestCommandFieldPadding(t *testing.T) {
	framed, err := AppendMessage(nil, &MsgSendAddrV2{}, ProtocolVersion, testMagic)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(framed[4:16]); got != "sendaddrv2\x00\x00" {
		t.Fatalf("command field %q", got)
	}
	if !strings.HasPrefix(string(framed), "\xf9\xbe\xb4\xd9") {
		t.Fatalf("magic bytes %x", framed[:4])
	}
}
