// Package auth holds users, their roles, argon2id password hashes and API
// tokens.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/casebench/casebench/internal/input"
)

// Role is what a user may do beyond their own work.
type Role string

// The roles.
const (
	RoleMember Role = "member"
	RoleMentor Role = "mentor"
)

// ValidRole reports whether r is a known role.
func ValidRole(r Role) bool { return r == RoleMember || r == RoleMentor }

// User is an account.
type User struct {
	ID           int64     `db:"id" json:"id"`
	Name         string    `db:"name" json:"name"`
	PasswordHash string    `db:"password_hash" json:"-"`
	Role         Role      `db:"role" json:"role"`
	CreatedAt    time.Time `db:"created_at" json:"created_at"`
}

// Limits on names and passwords.
const (
	NameMin     = 3
	NameMax     = 32
	PasswordMin = 10
	PasswordMax = 200
)

var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// ValidateName returns a message when name cannot be a user name, "" otherwise.
func ValidateName(name string) string {
	switch {
	case len(name) < NameMin || len(name) > NameMax:
		return fmt.Sprintf("A user name has %d to %d characters.", NameMin, NameMax)
	case !namePattern.MatchString(name):
		return "Use letters, digits, '.', '-' and '_', starting with a letter or digit."
	}
	return ""
}

// ValidatePassword returns a message when password is too weak or too long, "" otherwise.
func ValidatePassword(password string) string {
	n := utf8.RuneCountInString(password)
	switch {
	case input.Line(password) != "":
		return "The password must be one line of plain text. " + input.Line(password)
	case n < PasswordMin:
		return fmt.Sprintf("Use at least %d characters.", PasswordMin)
	case len(password) > PasswordMax:
		return fmt.Sprintf("Use at most %d bytes.", PasswordMax)
	case strings.TrimSpace(password) == "":
		return "The password cannot be only spaces."
	}
	return ""
}

// Argon2id parameters (RFC 9106's second recommended option, with less memory
// so that a laptop serves logins quickly).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024 // KiB
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// HashPassword returns an encoded argon2id hash of password with a random salt.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// ErrBadHash is returned by CheckPassword when the stored hash is malformed.
var ErrBadHash = errors.New("malformed password hash")

// CheckPassword reports whether password matches the encoded hash.
func CheckPassword(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, ErrBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, ErrBadHash
	}
	var mem uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &t, &p); err != nil || mem > 1<<20 || t > 10 || p == 0 {
		return false, ErrBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, ErrBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, ErrBadHash
	}
	got := argon2.IDKey([]byte(password), salt, t, mem, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is checked against when a user does not exist, so that a login
// for an unknown name takes as long as one for a known name. It is made on
// first use, not when the program starts: every casebench command would
// otherwise spend one hash (about 0.1 s and 19 MiB) before doing anything.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("casebench-dummy-password")
	return h
})

// CheckDummy spends the time of one password check.
func CheckDummy(password string) { _, _ = CheckPassword(dummyHash(), password) }

// WarmDummy makes the dummy hash now, so that the first login for an
// unknown name takes no longer than the others.
func WarmDummy() { dummyHash() }

// Token is an API token as its owner sees it: never the token itself,
// which is shown once when it is made.
type Token struct {
	ID        int64      `db:"id" json:"id"`
	Name      string     `db:"name" json:"name"`
	CreatedAt time.Time  `db:"created_at" json:"created_at"`
	LastUsed  *time.Time `db:"last_used_at" json:"last_used_at,omitempty"`
	ExpiresAt time.Time  `db:"expires_at" json:"expires_at"`
}

// Expired reports whether the token has expired at now.
func (t Token) Expired(now time.Time) bool { return !now.Before(t.ExpiresAt) }

// Token lifetimes.
const (
	TokenTTL     = 90 * 24 * time.Hour      // the default
	TokenTTLMax  = 5 * 365 * 24 * time.Hour // the longest allowed
	TokenNameMax = 64
)

// ValidateTokenName returns a message when name cannot name a token, ""
// otherwise. An empty name is allowed.
func ValidateTokenName(name string) string {
	if msg := input.Line(name); msg != "" {
		return "The name must be one line of plain text. " + msg
	}
	if utf8.RuneCountInString(name) > TokenNameMax {
		return fmt.Sprintf("Use at most %d characters.", TokenNameMax)
	}
	return ""
}

// TokenPrefix starts every API token, so that leaked tokens are easy to find.
const TokenPrefix = "cb_"

// NewToken returns a new random API token and the hash to store for it.
func NewToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken returns the stored form of an API token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
