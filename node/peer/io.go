package peer

import (
	"bufio"
	"errors"
	"io"
	"syscall"

	"github.com/bitnode/bitnode/wire"
)

const (
	// ioBufferSize is the size of the read and write buffers: small
	// messages are coalesced, large ones bypass the buffer.
	ioBufferSize = 64 << 10
	// writeChunk is the most written with one call, so that LastSend
	// follows the progress of a large message to a slow reader.
	writeChunk = 256 << 10
	// otherMsg is Core's key for bytes of messages it does not know.
	otherMsg = "*other*"
)

// countingConn updates the traffic counters and times on every read and
// write of the underlying connection.
type countingConn struct{ p *Peer }

func (c countingConn) Read(b []byte) (int, error) {
	n, err := c.p.conn.Read(b)
	if n > 0 {
		c.p.bytesRecv.Add(uint64(n))
		c.p.lastRecv.Store(c.p.cfg.Now().UnixNano())
	}
	return n, err
}

func (c countingConn) Write(b []byte) (int, error) {
	written := 0
	for written < len(b) {
		end := min(len(b), written+writeChunk)
		n, err := c.p.conn.Write(b[written:end])
		written += n
		if n > 0 {
			c.p.bytesSent.Add(uint64(n))
			c.p.lastSend.Store(c.p.cfg.Now().UnixNano())
		}
		if err != nil {
			return written, err
		}
	}
	return written, nil
}

// readLoop reads and handles messages until the connection ends.
func (p *Peer) readLoop() {
	r := bufio.NewReaderSize(countingConn{p}, ioBufferSize)
	for {
		msg, payload, err := wire.ReadMessage(r, p.readVersion(), p.cfg.Magic)
		if p.closed() {
			return
		}
		if err != nil {
			if e := p.readError(payload, err); e != nil {
				p.fail(e)
				return
			}
			p.countRecv(otherMsg, len(payload))
			continue
		}
		p.countRecv(msg.Command(), len(payload))
		if e := p.handleMessage(msg); e != nil {
			p.fail(e)
			return
		}
	}
}

// readVersion is the protocol version messages are decoded with: the
// negotiated one once known, ours before.
func (p *Peer) readVersion() uint32 {
	if p.st.versionRecvd { // written only by the read loop
		return p.st.common
	}
	return p.cfg.ProtocolVersion
}

// readError classifies a wire.ReadMessage failure as Core's V1Transport and
// ProcessMessages do. It returns nil for a message that is dropped while
// the connection goes on: a bad checksum, a malformed or unknown command.
func (p *Peer) readError(payload []byte, err error) *Error {
	switch {
	case errors.Is(err, wire.ErrBadChecksum), errors.Is(err, wire.ErrBadCommand):
		p.log.Debug("dropping message", "err", err)
		return nil
	case errors.Is(err, wire.ErrUnknownCommand):
		p.log.Debug("ignoring message", "err", err)
		return nil
	case payload != nil:
		// The frame was whole: the payload did not decode.
		return newError(ErrMalformed, err, "undecodable message")
	case errors.Is(err, wire.ErrBadMagic), errors.Is(err, wire.ErrTooLarge):
		return newError(ErrFraming, err, "header error")
	default:
		return connError(err, "read")
	}
}

// connError classifies a failed read or write of the connection.
func connError(err error, op string) *Error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.ErrClosedPipe) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return newError(ErrRemoteClosed, err, "connection closed by peer")
	}
	return newError(ErrConnection, err, "%s failed", op)
}

func (p *Peer) countRecv(cmd string, payloadLen int) {
	p.mu.Lock()
	p.st.recvPerMsg[cmd] += uint64(wire.MessageHeaderSize + payloadLen)
	p.mu.Unlock()
}

// queue encodes msg and appends it to the send queue. A queue that would
// exceed MaxSendQueueBytes ends the connection with ErrSendQueueFull.
func (p *Peer) queue(msg wire.Message) error {
	p.mu.Lock()
	pver := p.cfg.ProtocolVersion
	if p.st.versionRecvd {
		pver = p.st.common
	}
	p.mu.Unlock()
	buf, err := wire.AppendMessage(nil, msg, pver, p.cfg.Magic)
	if err != nil {
		return newError(ErrMisuse, err, "cannot encode %s", msg.Command())
	}
	p.sendMu.Lock()
	if e := p.err.Load(); e != nil {
		p.sendMu.Unlock()
		return newError(ErrNotConnected, e, "peer %d", p.id)
	}
	if p.sendBytes+len(buf) > p.cfg.MaxSendQueueBytes {
		queued := p.sendBytes
		p.sendMu.Unlock()
		e := newError(ErrSendQueueFull, nil, "%d bytes queued, %s of %d bytes does not fit in %d",
			queued, msg.Command(), len(buf), p.cfg.MaxSendQueueBytes)
		p.fail(e)
		return e
	}
	p.sendQueue = append(p.sendQueue, buf)
	p.sendBytes += len(buf)
	p.sendMu.Unlock()

	p.mu.Lock()
	p.st.sentPerMsg[msg.Command()] += uint64(len(buf))
	p.mu.Unlock()
	select {
	case p.sendSignal <- struct{}{}:
	default:
	}
	return nil
}

// writeLoop writes queued messages until the connection ends.
func (p *Peer) writeLoop() {
	w := bufio.NewWriterSize(countingConn{p}, ioBufferSize)
	var batch [][]byte
	for {
		select {
		case <-p.quit:
			return
		case <-p.sendSignal:
		}
		for {
			p.sendMu.Lock()
			batch, p.sendQueue = p.sendQueue, batch[:0]
			p.sendMu.Unlock()
			if len(batch) == 0 {
				break
			}
			if err := p.writeBatch(w, batch); err != nil {
				p.fail(connError(err, "write"))
				return
			}
		}
	}
}

func (p *Peer) writeBatch(w *bufio.Writer, batch [][]byte) error {
	n := 0
	for i, b := range batch {
		if _, err := w.Write(b); err != nil {
			return err
		}
		n += len(b)
		batch[i] = nil
	}
	if err := w.Flush(); err != nil {
		return err
	}
	p.sendMu.Lock()
	p.sendBytes -= n
	p.sendMu.Unlock()
	return nil
}
