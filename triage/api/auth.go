package api

import (
	"bufio"
	"context"
	"crypto/subtle"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
)

// Role is what an agent may do. Leads may also change scripts and
// policies, roll them back, and purge history.
type Role string

// Roles.
const (
	RoleAgent Role = "agent"
	RoleLead  Role = "lead"
)

// Identity is who a request comes from.
type Identity struct {
	Name string
	Role Role
}

type identityKey struct{}

// Token is one agent's bearer token for the loopback TCP listener.
type Token struct {
	Name   string
	Role   Role
	Secret string
}

// LoadTokenFile reads bearer tokens, one agent a line as "NAME ROLE TOKEN"
// (ROLE is agent or lead). Blank lines and lines starting with # are
// skipped. A file with one bare token on its only line gives the agent
// "tcp" the agent role. The file must not be readable by group or others.
func LoadTokenFile(path string) ([]Token, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("token file: %w", err)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("token file %s has mode %04o: make it readable by its owner only (chmod 600 %s)", path, perm, path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("token file: %w", err)
	}
	defer f.Close()
	var tokens []Token
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		var tok Token
		switch len(fields) {
		case 1:
			tok = Token{Name: "tcp", Role: RoleAgent, Secret: fields[0]}
		case 3:
			tok = Token{Name: fields[0], Role: Role(fields[1]), Secret: fields[2]}
		default:
			return nil, fmt.Errorf("%s:%d: want NAME ROLE TOKEN or a single token, got %d fields", path, n, len(fields))
		}
		if tok.Role != RoleAgent && tok.Role != RoleLead {
			return nil, fmt.Errorf("%s:%d: invalid role %q: use agent or lead", path, n, tok.Role)
		}
		if len(tok.Secret) < 16 {
			return nil, fmt.Errorf("%s:%d: token shorter than 16 characters: use a long random token", path, n)
		}
		tokens = append(tokens, tok)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read token file: %w", err)
	}
	if len(tokens) == 0 {
		return nil, fmt.Errorf("token file %s contains no token: add a line NAME ROLE TOKEN", path)
	}
	return tokens, nil
}

// TCPHandler serves the API on a loopback TCP listener at addr. Every
// request needs "Authorization: Bearer TOKEN" with one of tokens, compared
// in constant time, and a Host header naming addr, so that a web page in
// a browser cannot reach the API through DNS rebinding.
func (s *Server) TCPHandler(addr string, tokens []Token) http.Handler {
	host, port, _ := net.SplitHostPort(addr)
	allowedHosts := map[string]bool{addr: true}
	if host == "127.0.0.1" || host == "::1" || host == "localhost" {
		allowedHosts["localhost:"+port] = true
		allowedHosts["127.0.0.1:"+port] = true
		allowedHosts["[::1]:"+port] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !allowedHosts[r.Host] {
			writeError(w, http.StatusMisdirectedRequest, fmt.Errorf("host %q is not this listener's address %s", r.Host, addr))
			return
		}
		presented, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		var who *Token
		if ok {
			for i := range tokens {
				// Every token is compared, so the time taken does not
				// tell which one nearly matched.
				if subtle.ConstantTimeCompare([]byte(presented), []byte(tokens[i].Secret)) == 1 {
					who = &tokens[i]
				}
			}
		}
		if who == nil {
			s.log.Warn("rejected request without a valid token", "remote", r.RemoteAddr, "path", r.URL.Path)
			w.Header().Set("WWW-Authenticate", `Bearer realm="triage"`)
			writeError(w, http.StatusUnauthorized, fmt.Errorf("missing or invalid bearer token"))
			return
		}
		ctx := context.WithValue(r.Context(), identityKey{}, Identity{Name: who.Name, Role: who.Role})
		s.ServeHTTP(w, r.WithContext(ctx))
	})
}

// SetLeads names the logins that have the lead role on the Unix socket.
// The daemon's own user is always a lead.
func (s *Server) SetLeads(names []string) {
	s.leads = make(map[string]bool, len(names))
	for _, n := range names {
		s.leads[n] = true
	}
}

// identity names the caller and their role: from the TCP token, or from
// the Unix peer's uid.
func (s *Server) identity(r *http.Request) Identity {
	if id, ok := r.Context().Value(identityKey{}).(Identity); ok {
		return id
	}
	name, own := s.unixAgent(r)
	role := RoleAgent
	if own || s.leads[name] {
		role = RoleLead
	}
	return Identity{Name: name, Role: role}
}

// requireLead responds 403 and returns false unless the caller is a lead.
func (s *Server) requireLead(w http.ResponseWriter, r *http.Request, action string) (Identity, bool) {
	id := s.identity(r)
	if id.Role != RoleLead {
		s.log.Warn("rejected lead-only action", "action", action, "agent", id.Name)
		writeError(w, http.StatusForbidden, fmt.Errorf("%s needs the lead role; %s is an agent (ask the operator to add you with triage serve --leads)", action, id.Name))
		return id, false
	}
	return id, true
}
