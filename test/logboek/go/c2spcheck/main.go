// Command c2spcheck checks jpp-broker's logboek from outside, with Go's own implementation of the
// C2SP formats: golang.org/x/mod/sumdb/note (signed notes, Ed25519) and golang.org/x/mod/sumdb/tlog
// (RFC 6962 hashes, proofs and tiles), from Debian's golang-golang-x-mod-dev. It shares no code
// with the broker; test/logboek/c2sp-interop.test.ts builds and runs it.
//
// The cosignature/v1 verifier and signer (C2SP tlog-cosignature, signature type 0x04) are written
// here from the spec with crypto/ed25519, because x/mod/sumdb/note knows only type 0x01.
//
// Modes (each prints one JSON object on stdout, or exits 1 with the reason on stderr):
//
//	verify   -url <log prefix> -vkey <log vkey> [-token T] [-witness <cosigner vkey>]... [-old <note file>] [-prove i,j,...]
//	         opens /checkpoint, checks the cosignatures, reads every tile and entry bundle through
//	         tlog.TileHashReader (which authenticates tiles against the checkpoint), checks that each
//	         entry hashes to its leaf, proves inclusion and consistency with tlog.
//	keygen   -origin <name>                              a log key pair (note.GenerateKey)
//	log      -skey <skey> -witness-url U -witness-vkey W  plays a C2SP log against a tlog-witness
//	witness  -listen <addr> -log-vkey V -name N           a tlog-witness server (prints its vkey first)
package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func main() {
	if len(os.Args) < 2 {
		fail(errors.New("usage: c2spcheck verify|keygen|log|witness ..."))
	}
	var err error
	switch os.Args[1] {
	case "verify":
		err = verify(os.Args[2:])
	case "keygen":
		err = keygen(os.Args[2:])
	case "log":
		err = playLog(os.Args[2:])
	case "witness":
		err = serveWitness(os.Args[2:])
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "c2spcheck:", err)
	os.Exit(1)
}

func emit(v interface{}) error {
	return json.NewEncoder(os.Stdout).Encode(v)
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// ---- cosignature/v1 (C2SP tlog-cosignature), from the spec ----

const cosigAlg = 0x04

func cosigKeyID(name string, pub ed25519.PublicKey) uint32 {
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte{'\n', cosigAlg})
	h.Write(pub)
	return binary.BigEndian.Uint32(h.Sum(nil))
}

func cosignedMessage(text []byte, t uint64) []byte {
	return append([]byte(fmt.Sprintf("cosignature/v1\ntime %d\n", t)), text...)
}

// cosigVerifier is a note.Verifier for one cosigner; it remembers the time of the signature it checked.
type cosigVerifier struct {
	name string
	pub  ed25519.PublicKey
	mu   sync.Mutex
	time uint64
}

func (v *cosigVerifier) Name() string    { return v.name }
func (v *cosigVerifier) KeyHash() uint32 { return cosigKeyID(v.name, v.pub) }
func (v *cosigVerifier) Verify(msg, sig []byte) bool {
	if len(sig) != 8+ed25519.SignatureSize {
		return false
	}
	t := binary.BigEndian.Uint64(sig[:8])
	if t >= 1<<63 || !ed25519.Verify(v.pub, cosignedMessage(msg, t), sig[8:]) {
		return false
	}
	v.mu.Lock()
	v.time = t
	v.mu.Unlock()
	return true
}

func parseCosigVkey(vkey string) (*cosigVerifier, error) {
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 {
		return nil, fmt.Errorf("malformed cosigner vkey %q", vkey)
	}
	raw, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(raw) != 1+ed25519.PublicKeySize || raw[0] != cosigAlg {
		return nil, fmt.Errorf("not a cosignature/v1 Ed25519 vkey: %q", vkey)
	}
	v := &cosigVerifier{name: parts[0], pub: ed25519.PublicKey(raw[1:])}
	if fmt.Sprintf("%08x", v.KeyHash()) != parts[1] {
		return nil, fmt.Errorf("cosigner vkey %q: the key ID does not match", vkey)
	}
	return v, nil
}

type cosigner struct {
	name string
	priv ed25519.PrivateKey
}

func (c *cosigner) vkey() string {
	pub := c.priv.Public().(ed25519.PublicKey)
	return fmt.Sprintf("%s+%08x+%s", c.name, cosigKeyID(c.name, pub), base64.StdEncoding.EncodeToString(append([]byte{cosigAlg}, pub...)))
}

func (c *cosigner) cosign(text []byte, t uint64) string {
	sig := make([]byte, 8, 8+ed25519.SignatureSize)
	binary.BigEndian.PutUint64(sig, t)
	sig = append(sig, ed25519.Sign(c.priv, cosignedMessage(text, t))...)
	id := make([]byte, 4)
	binary.BigEndian.PutUint32(id, cosigKeyID(c.name, c.priv.Public().(ed25519.PublicKey)))
	return fmt.Sprintf("\u2014 %s %s\n", c.name, base64.StdEncoding.EncodeToString(append(id, sig...)))
}

// ---- checkpoints (C2SP tlog-checkpoint) ----

type checkpoint struct {
	Origin     string
	Tree       tlog.Tree
	Extensions []string
}

func parseCheckpoint(text string) (checkpoint, error) {
	if !strings.HasSuffix(text, "\n") {
		return checkpoint{}, errors.New("checkpoint text does not end in a newline")
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) < 3 || lines[0] == "" {
		return checkpoint{}, errors.New("a checkpoint has an origin, a size and a root")
	}
	n, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || n < 0 || lines[1] != strconv.FormatInt(n, 10) {
		return checkpoint{}, fmt.Errorf("bad tree size %q", lines[1])
	}
	h, err := tlog.ParseHash(lines[2])
	if err != nil {
		return checkpoint{}, fmt.Errorf("bad root hash %q", lines[2])
	}
	return checkpoint{Origin: lines[0], Tree: tlog.Tree{N: n, Hash: h}, Extensions: lines[3:]}, nil
}

func httpGet(url, token string) ([]byte, int, error) {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return nil, 0, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body) // net/http undoes Content-Encoding: gzip
	return body, res.StatusCode, err
}

// tilePath writes a tile's C2SP tlog-tiles path: tile/<L>/<N>[.p/<W>], N in x-prefixed 3-digit
// elements. (tlog.Tile.Path is the older Go checksum-database form, with the height in the path.)
func tilePath(level string, n int64, w int) string {
	s := fmt.Sprintf("%03d", n%1000)
	for n >= 1000 {
		n /= 1000
		s = fmt.Sprintf("x%03d/%s", n%1000, s)
	}
	if w != 256 {
		s += fmt.Sprintf(".p/%d", w)
	}
	return "tile/" + level + "/" + s
}

// tileReader serves tlog.TileHashReader from the log's tile endpoints.
type tileReader struct {
	prefix  string
	fetched int
}

func (r *tileReader) Height() int { return 8 }
func (r *tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		body, status, err := httpGet(r.prefix+"/"+tilePath(strconv.Itoa(t.L), t.N, t.W), "")
		if err != nil {
			return nil, err
		}
		if status != 200 || len(body) != t.W*tlog.HashSize {
			return nil, fmt.Errorf("tile %d/%d width %d: status %d, %d bytes", t.L, t.N, t.W, status, len(body))
		}
		r.fetched++
		out[i] = body
	}
	return out, nil
}
func (r *tileReader) SaveTiles([]tlog.Tile, [][]byte) {}

func splitBundle(b []byte) ([][]byte, error) {
	var out [][]byte
	for len(b) > 0 {
		if len(b) < 2 {
			return nil, errors.New("entry bundle ends inside a length")
		}
		n := int(binary.BigEndian.Uint16(b))
		if len(b) < 2+n {
			return nil, errors.New("entry bundle ends inside an entry")
		}
		out = append(out, b[2:2+n])
		b = b[2+n:]
	}
	return out, nil
}

func openCheckpoint(msg []byte, logV note.Verifier, extra ...note.Verifier) (*note.Note, checkpoint, error) {
	n, err := note.Open(msg, note.VerifierList(append([]note.Verifier{logV}, extra...)...))
	if err != nil {
		return nil, checkpoint{}, err
	}
	signedByLog := false
	for _, s := range n.Sigs {
		if s.Name == logV.Name() && s.Hash == logV.KeyHash() {
			signedByLog = true
		}
	}
	if !signedByLog {
		return nil, checkpoint{}, errors.New("the checkpoint is not signed by the log's key")
	}
	c, err := parseCheckpoint(n.Text)
	if err != nil {
		return nil, checkpoint{}, err
	}
	if c.Origin != logV.Name() {
		return nil, checkpoint{}, fmt.Errorf("origin %q is not the log key's name %q", c.Origin, logV.Name())
	}
	return n, c, nil
}

func verify(args []string) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	url := fs.String("url", "", "the log's tlog-tiles prefix")
	vkey := fs.String("vkey", "", "the log's verifier key")
	token := fs.String("token", "", "bearer token for entry bundles")
	old := fs.String("old", "", "a file with an older checkpoint note of the same log")
	prove := fs.String("prove", "", "comma-separated entry indices to prove included")
	var witnesses multiFlag
	fs.Var(&witnesses, "witness", "a cosigner vkey (type 0x04); repeat")
	if err := fs.Parse(args); err != nil {
		return err
	}
	logV, err := note.NewVerifier(*vkey)
	if err != nil {
		return fmt.Errorf("log vkey: %v", err)
	}
	var cosigs []note.Verifier
	var cosigVs []*cosigVerifier
	for _, w := range witnesses {
		v, err := parseCosigVkey(w)
		if err != nil {
			return err
		}
		cosigs = append(cosigs, v)
		cosigVs = append(cosigVs, v)
	}
	msg, status, err := httpGet(*url+"/checkpoint", "")
	if err != nil || status != 200 {
		return fmt.Errorf("GET /checkpoint: %v status %d", err, status)
	}
	n, c, err := openCheckpoint(msg, logV, cosigs...)
	if err != nil {
		return fmt.Errorf("opening the checkpoint: %v", err)
	}
	cosigned := map[string]uint64{}
	for _, s := range n.Sigs {
		for _, v := range cosigVs {
			if s.Name == v.name && s.Hash == v.KeyHash() {
				cosigned[v.name] = v.time
			}
		}
	}

	tr := &tileReader{prefix: *url}
	hr := tlog.TileHashReader(c.Tree, tr)
	root, err := tlog.TreeHash(c.Tree.N, hr)
	if err != nil {
		return fmt.Errorf("tree hash from tiles: %v", err)
	}
	if root != c.Tree.Hash {
		return errors.New("the tiles give another root than the checkpoint")
	}

	entries, redacted, bundles := 0, 0, 0
	if *token != "" {
		for start := int64(0); start < c.Tree.N; start += 256 {
			w := 256
			if c.Tree.N-start < 256 {
				w = int(c.Tree.N - start)
			}
			body, status, err := httpGet(*url+"/"+tilePath("entries", start/256, w), *token)
			if err != nil || status != 200 {
				return fmt.Errorf("entry bundle %d: %v status %d", start/256, err, status)
			}
			bundles++
			list, err := splitBundle(body)
			if err != nil {
				return err
			}
			if len(list) != w {
				return fmt.Errorf("entry bundle %d holds %d entries, not %d", start/256, len(list), w)
			}
			indexes := make([]int64, w)
			for i := range indexes {
				indexes[i] = tlog.StoredHashIndex(0, start+int64(i))
			}
			leaves, err := hr.ReadHashes(indexes)
			if err != nil {
				return fmt.Errorf("level-0 hashes of bundle %d: %v", start/256, err)
			}
			for i, e := range list {
				seq := start + int64(i)
				if len(e) == 0 {
					redacted++
					continue
				}
				if tlog.RecordHash(e) != leaves[i] {
					return fmt.Errorf("entry %d does not hash to its leaf in the tiles", seq)
				}
				var fields struct {
					Seq *int64 `json:"seq"`
				}
				if err := json.Unmarshal(e, &fields); err != nil || fields.Seq == nil || *fields.Seq != seq {
					return fmt.Errorf("entry %d does not name its own seq", seq)
				}
				entries++
			}
		}
	}

	var proved []int64
	if *prove != "" {
		for _, s := range strings.Split(*prove, ",") {
			i, err := strconv.ParseInt(s, 10, 64)
			if err != nil || i < 0 || i >= c.Tree.N {
				return fmt.Errorf("bad index %q", s)
			}
			leaf, err := hr.ReadHashes([]int64{tlog.StoredHashIndex(0, i)})
			if err != nil {
				return err
			}
			p, err := tlog.ProveRecord(c.Tree.N, i, hr)
			if err != nil {
				return fmt.Errorf("proving entry %d: %v", i, err)
			}
			if err := tlog.CheckRecord(p, c.Tree.N, c.Tree.Hash, i, leaf[0]); err != nil {
				return fmt.Errorf("entry %d: %v", i, err)
			}
			proved = append(proved, i)
		}
	}

	consistentFrom := int64(-1)
	if *old != "" {
		oldMsg, err := os.ReadFile(*old)
		if err != nil {
			return err
		}
		_, oc, err := openCheckpoint(oldMsg, logV)
		if err != nil {
			return fmt.Errorf("the old checkpoint: %v", err)
		}
		p, err := tlog.ProveTree(c.Tree.N, oc.Tree.N, hr)
		if err != nil {
			return fmt.Errorf("consistency proof from tiles: %v", err)
		}
		if err := tlog.CheckTree(p, c.Tree.N, c.Tree.Hash, oc.Tree.N, oc.Tree.Hash); err != nil {
			return fmt.Errorf("the old checkpoint is not consistent with the new one: %v", err)
		}
		consistentFrom = oc.Tree.N
	}
	return emit(map[string]interface{}{
		"origin": c.Origin, "treeSize": c.Tree.N, "rootHash": c.Tree.Hash.String(), "extensions": c.Extensions,
		"cosigned": cosigned, "tilesFetched": tr.fetched, "bundles": bundles, "entries": entries, "redacted": redacted,
		"proved": proved, "consistentFrom": consistentFrom,
	})
}

// ---- a C2SP log that pushes to a tlog-witness ----

func keygen(args []string) error {
	fs := flag.NewFlagSet("keygen", flag.ContinueOnError)
	origin := fs.String("origin", "", "the log's origin")
	if err := fs.Parse(args); err != nil {
		return err
	}
	skey, vkey, err := note.GenerateKey(rand.Reader, *origin)
	if err != nil {
		return err
	}
	return emit(map[string]string{"skey": skey, "vkey": vkey})
}

type memoryLog struct {
	hashes []tlog.Hash
	n      int64
}

func (m *memoryLog) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		out[i] = m.hashes[x]
	}
	return out, nil
}

func (m *memoryLog) grow(to int64) error {
	for ; m.n < to; m.n++ {
		h, err := tlog.StoredHashes(m.n, []byte(fmt.Sprintf("go log entry %d", m.n)), m)
		if err != nil {
			return err
		}
		m.hashes = append(m.hashes, h...)
	}
	return nil
}

func (m *memoryLog) root(n int64) (tlog.Hash, error) { return tlog.TreeHash(n, m) }

func signedCheckpoint(signer note.Signer, origin string, n int64, root tlog.Hash) ([]byte, error) {
	return note.Sign(&note.Note{Text: fmt.Sprintf("%s\n%d\n%s\n", origin, n, root)}, signer)
}

func addCheckpoint(url string, old int64, proof []tlog.Hash, cp []byte) (int, string, string, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "old %d\n", old)
	for _, h := range proof {
		fmt.Fprintf(&b, "%s\n", h)
	}
	b.WriteString("\n")
	b.Write(cp)
	res, err := http.Post(url+"/add-checkpoint", "text/plain", &b)
	if err != nil {
		return 0, "", "", err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Content-Type"), string(body), err
}

func playLog(args []string) error {
	fs := flag.NewFlagSet("log", flag.ContinueOnError)
	skey := fs.String("skey", "", "the log's signer key")
	wurl := fs.String("witness-url", "", "the witness's submission prefix")
	wvkey := fs.String("witness-vkey", "", "the witness's cosigner vkey")
	if err := fs.Parse(args); err != nil {
		return err
	}
	signer, err := note.NewSigner(*skey)
	if err != nil {
		return err
	}
	origin := signer.Name()
	wv, err := parseCosigVkey(*wvkey)
	if err != nil {
		return err
	}
	lg := &memoryLog{}
	if err := lg.grow(40); err != nil {
		return err
	}
	type step struct {
		Step        string `json:"step"`
		Status      int    `json:"status"`
		ContentType string `json:"contentType,omitempty"`
		Body        string `json:"body,omitempty"`
		Cosigned    bool   `json:"cosigned"`
	}
	var steps []step
	push := func(name string, old, n int64, tamper bool, cp []byte) error {
		var proof []tlog.Hash
		if old > 0 && old < n {
			p, err := tlog.ProveTree(n, old, lg)
			if err != nil {
				return err
			}
			proof = p
			if tamper {
				proof[0][0] ^= 1
			}
		}
		status, ctype, body, err := addCheckpoint(*wurl, old, proof, cp)
		if err != nil {
			return err
		}
		s := step{Step: name, Status: status, ContentType: ctype}
		if status == 200 {
			// The answer is signature lines: appended to the checkpoint, they must open as a note
			// with the witness's key.
			n, err := note.Open(append(append([]byte{}, cp...), body...), note.VerifierList(wv))
			s.Cosigned = err == nil && len(n.Sigs) == 1
		} else {
			s.Body = body
		}
		steps = append(steps, s)
		return nil
	}
	cp := func(n int64) []byte {
		root, _ := lg.root(n)
		b, _ := signedCheckpoint(signer, origin, n, root)
		return b
	}
	// A checkpoint by a key the witness does not know (same origin) and one for another origin.
	otherSkey, _, _ := note.GenerateKey(rand.Reader, origin)
	other, _ := note.NewSigner(otherSkey)
	root3, _ := lg.root(3)
	forged3, _ := signedCheckpoint(other, origin, 3, root3)
	elseSkey, _, _ := note.GenerateKey(rand.Reader, "elsewhere.example/log")
	elseSigner, _ := note.NewSigner(elseSkey)
	elsewhere, _ := signedCheckpoint(elseSigner, "elsewhere.example/log", 3, root3)
	var forkRoot tlog.Hash
	forkRoot[0] = 1
	fork25, _ := signedCheckpoint(signer, origin, 25, forkRoot)

	for _, p := range []struct {
		name   string
		old, n int64
		tamper bool
		cp     []byte
	}{
		{"unknown-origin", 0, 3, false, elsewhere},
		{"unknown-key", 0, 3, false, forged3},
		{"first", 0, 3, false, cp(3)},
		{"old-beyond-size", 10, 3, false, cp(3)},
		{"grow", 3, 10, false, cp(10)},
		{"stale-old-size", 3, 25, false, cp(25)},
		{"bad-proof", 10, 25, true, cp(25)},
		{"grow-again", 10, 25, false, cp(25)},
		{"same-again", 25, 25, false, cp(25)},
		{"fork", 25, 25, false, fork25},
		{"after-fork", 25, 40, false, cp(40)},
	} {
		if err := push(p.name, p.old, p.n, p.tamper, p.cp); err != nil {
			return fmt.Errorf("%s: %v", p.name, err)
		}
	}
	return emit(map[string]interface{}{"origin": origin, "steps": steps})
}

// ---- a tlog-witness server the broker pushes to ----

func serveWitness(args []string) error {
	fs := flag.NewFlagSet("witness", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:0", "address")
	logVkey := fs.String("log-vkey", "", "the log's verifier key")
	name := fs.String("name", "go-witness.example/w1", "the witness's name")
	if err := fs.Parse(args); err != nil {
		return err
	}
	logV, err := note.NewVerifier(*logVkey)
	if err != nil {
		return err
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	me := &cosigner{name: *name, priv: priv}
	var mu sync.Mutex
	var latest tlog.Tree // size 0: nothing cosigned yet
	cosigned := 0
	handler := func(w http.ResponseWriter, r *http.Request) {
		if r.Method != "POST" {
			http.Error(w, "POST only", 405)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		split := bytes.Index(body, []byte("\n\n"))
		if split < 0 {
			http.Error(w, "malformed", 400)
			return
		}
		head := strings.Split(string(body[:split]), "\n")
		if !strings.HasPrefix(head[0], "old ") {
			http.Error(w, "malformed", 400)
			return
		}
		old, err := strconv.ParseInt(strings.TrimPrefix(head[0], "old "), 10, 64)
		if err != nil {
			http.Error(w, "malformed", 400)
			return
		}
		var proof tlog.TreeProof
		for _, l := range head[1:] {
			h, err := tlog.ParseHash(l)
			if err != nil {
				http.Error(w, "malformed proof", 400)
				return
			}
			proof = append(proof, h)
		}
		msg := body[split+2:]
		n, c, err := openCheckpoint(msg, logV)
		if err != nil {
			var unknown *note.UnverifiedNoteError
			if errors.As(err, &unknown) {
				http.Error(w, "unknown key", 403)
				return
			}
			http.Error(w, err.Error(), 403)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if old > c.Tree.N {
			http.Error(w, "old size beyond the checkpoint", 400)
			return
		}
		if old != latest.N {
			w.Header().Set("Content-Type", "text/x.tlog.size")
			w.WriteHeader(409)
			fmt.Fprintf(w, "%d\n", latest.N)
			return
		}
		if old == c.Tree.N {
			if old != 0 && c.Tree.Hash != latest.Hash {
				http.Error(w, "another root for this size", 409)
				return
			}
		} else if old > 0 {
			if err := tlog.CheckTree(proof, c.Tree.N, c.Tree.Hash, old, latest.Hash); err != nil {
				http.Error(w, "inconsistent", 422)
				return
			}
		}
		latest = c.Tree
		cosigned++
		io.WriteString(w, me.cosign([]byte(n.Text), uint64(time.Now().Unix())))
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	http.HandleFunc("/add-checkpoint", handler)
	http.HandleFunc("/state", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		json.NewEncoder(w).Encode(map[string]interface{}{"treeSize": latest.N, "rootHash": latest.Hash.String(), "cosigned": cosigned})
	})
	if err := emit(map[string]string{"vkey": me.vkey(), "url": "http://" + ln.Addr().String()}); err != nil {
		return err
	}
	return http.Serve(ln, nil)
}
