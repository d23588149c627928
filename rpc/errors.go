package rpc

import (
	"encoding/json"
	"fmt"
)

// Error codes, Bitcoin Core's (src/rpc/protocol.h).
const (
	// Standard JSON-RPC 2.0 errors.
	ErrInvalidRequest = -32600 // RPC_INVALID_REQUEST (HTTP 400 for 1.0 requests)
	ErrMethodNotFound = -32601 // RPC_METHOD_NOT_FOUND (HTTP 404 for 1.0 requests)
	ErrInvalidParams  = -32602 // RPC_INVALID_PARAMS
	ErrInternal       = -32603 // RPC_INTERNAL_ERROR
	ErrParse          = -32700 // RPC_PARSE_ERROR

	// General application-defined errors.
	ErrMisc                    = -1  // RPC_MISC_ERROR: std::exception thrown in command handling
	ErrType                    = -3  // RPC_TYPE_ERROR: unexpected type was passed as parameter
	ErrInvalidAddressOrKey     = -5  // RPC_INVALID_ADDRESS_OR_KEY
	ErrOutOfMemory             = -7  // RPC_OUT_OF_MEMORY
	ErrInvalidParameter        = -8  // RPC_INVALID_PARAMETER
	ErrDatabase                = -20 // RPC_DATABASE_ERROR
	ErrDeserialization         = -22 // RPC_DESERIALIZATION_ERROR
	ErrVerify                  = -25 // RPC_VERIFY_ERROR, also RPC_TRANSACTION_ERROR
	ErrVerifyRejected          = -26 // RPC_VERIFY_REJECTED, also RPC_TRANSACTION_REJECTED
	ErrVerifyAlreadyInUTXO     = -27 // RPC_VERIFY_ALREADY_IN_UTXO_SET
	ErrInWarmup                = -28 // RPC_IN_WARMUP
	ErrMethodDeprecated        = -32 // RPC_METHOD_DEPRECATED
	ErrClientNotConnected      = -9  // RPC_CLIENT_NOT_CONNECTED
	ErrClientInInitialDL       = -10 // RPC_CLIENT_IN_INITIAL_DOWNLOAD
	ErrClientNodeAlreadyAdded  = -23 // RPC_CLIENT_NODE_ALREADY_ADDED
	ErrClientNodeNotAdded      = -24 // RPC_CLIENT_NODE_NOT_ADDED
	ErrClientNodeNotConnected  = -29 // RPC_CLIENT_NODE_NOT_CONNECTED
	ErrClientInvalidIPOrSubnet = -30 // RPC_CLIENT_INVALID_IP_OR_SUBNET
	ErrClientP2PDisabled       = -31 // RPC_CLIENT_P2P_DISABLED
	ErrClientMempoolDisabled   = -33 // RPC_CLIENT_MEMPOOL_DISABLED
)

// Error is a JSON-RPC error object: {"code": Code, "message": Message}.
type Error struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return fmt.Sprintf("%s (code %d)", e.Message, e.Code) }

// errorf builds an *Error, Core's JSONRPCError.
func errorf(code int, format string, args ...any) *Error {
	if len(args) == 0 {
		return &Error{Code: code, Message: format}
	}
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// misc is RPC_MISC_ERROR, what Core reports for a std::runtime_error
// escaping a handler (an integer out of range, a wrong JSON type met after
// the argument check, the help text for a wrong argument count).
func misc(format string, args ...any) *Error { return errorf(ErrMisc, format, args...) }

// invalidParameter is RPC_INVALID_PARAMETER.
func invalidParameter(format string, args ...any) *Error {
	return errorf(ErrInvalidParameter, format, args...)
}

// marshalError encodes e; it cannot fail.
func marshalError(e *Error) json.RawMessage {
	b, _ := marshalJSON(e)
	return b
}
