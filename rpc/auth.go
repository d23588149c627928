package rpc

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// cookieUser is the user name of cookie authentication (Core's
// COOKIEAUTH_USER).
const cookieUser = "__cookie__"

// CookieName is the cookie file's name in the data directory.
const CookieName = ".cookie"

// credential is one accepted user: the password is stored only as
// HMAC-SHA256(key=salt, password), as Core stores -rpcauth entries and
// hashes -rpcuser/-rpcpassword and the cookie with a random salt.
type credential struct {
	user, salt, hmacHex string
}

// authenticator checks HTTP Basic credentials.
type authenticator struct {
	creds []credential
}

// newAuthenticator accepts user/password (when a password is set) and the
// --rpcauth entries "user:salt$hmac".
func newAuthenticator(user, password string, rpcauth []string) (*authenticator, error) {
	a := &authenticator{}
	if password != "" {
		a.addPlain(user, password)
	}
	for _, e := range rpcauth {
		user, saltHMAC, ok := strings.Cut(e, ":")
		salt, mac, ok2 := strings.Cut(saltHMAC, "$")
		if !ok || !ok2 || strings.Contains(saltHMAC, ":") || strings.Contains(mac, "$") {
			return nil, errors.New("rpc: invalid --rpcauth argument (want user:salt$hmac)")
		}
		a.creds = append(a.creds, credential{user: user, salt: salt, hmacHex: mac})
	}
	return a, nil
}

// addPlain accepts user with password, hashed under a random salt.
func (a *authenticator) addPlain(user, password string) {
	var raw [16]byte
	rand.Read(raw[:])
	salt := hex.EncodeToString(raw[:])
	a.creds = append(a.creds, credential{user: user, salt: salt, hmacHex: RPCAuthHMAC(salt, password)})
}

// RPCAuthHMAC is the hex HMAC-SHA256 of password keyed with salt, the hash
// of an --rpcauth entry (Core's share/rpcauth).
func RPCAuthHMAC(salt, password string) string {
	m := hmac.New(sha256.New, []byte(salt))
	m.Write([]byte(password))
	return hex.EncodeToString(m.Sum(nil))
}

// check validates an Authorization header ("Basic base64(user:pass)") and
// returns the user. Every comparison takes the same time whatever the
// input.
func (a *authenticator) check(header string) (string, bool) {
	enc, ok := strings.CutPrefix(header, "Basic ")
	if !ok {
		return "", false
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(enc))
	if err != nil {
		return "", false
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok {
		return "", false
	}
	granted := false
	for _, c := range a.creds {
		userOK := subtle.ConstantTimeCompare([]byte(c.user), []byte(user)) == 1
		passOK := subtle.ConstantTimeCompare([]byte(RPCAuthHMAC(c.salt, pass)), []byte(c.hmacHex)) == 1
		granted = granted || (userOK && passOK)
	}
	return user, granted
}

// writeCookie writes "__cookie__:<64 hex digits>" to path (through a
// temporary file, mode 0600) and returns the path and password.
func writeCookie(path string) (string, string, error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", "", err
	}
	pass := hex.EncodeToString(raw[:])
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", "", err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(cookieUser+":"+pass), 0o600); err != nil {
		return "", "", err
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return "", "", err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return "", "", err
	}
	return path, pass, nil
}

// ReadCookie reads a cookie file and returns its user and password.
func ReadCookie(path string) (user, password string, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", "", err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	user, password, ok := strings.Cut(strings.TrimRight(line, "\r"), ":")
	if !ok {
		return "", "", fmt.Errorf("%s: not a cookie file", path)
	}
	return user, password, nil
}

func (s *Server) cookiePath() string {
	if s.cfg.CookieFile != "" {
		return s.cfg.CookieFile
	}
	return filepath.Join(s.cfg.DataDir, CookieName)
}

// removeCookie deletes the cookie this server wrote.
func (s *Server) removeCookie() {
	s.mu.Lock()
	path := s.cookie
	s.cookie = ""
	s.mu.Unlock()
	if path != "" {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.log.Warn("unable to remove the RPC cookie", "path", path, "err", err)
		}
	}
}
