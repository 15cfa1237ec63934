// tlogcheck checks a pith-graph transparency log with an implementation that is not ours:
// golang.org/x/mod/sumdb/note verifies the checkpoint's signed note, golang.org/x/mod/sumdb/tlog
// authenticates the tiles against the checkpoint's root and builds and checks inclusion and
// consistency proofs, crypto/ed25519 checks witness cosignatures (C2SP cosignature/v1).
//
// Usage:
//
//	tlogcheck -log http://host/log [-old checkpoint.note]... [-proofs proofs.json]
//	          [-witness vkey]... [-min-witnesses k] [-sample n]
//
// It prints a JSON summary and exits 0, or prints what failed and exits 1.
package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

var client = &http.Client{Timeout: 30 * time.Second}

func get(url string) ([]byte, http.Header, error) {
	resp, err := client.Get(url)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, err
	}
	if resp.StatusCode != 200 {
		return nil, nil, fmt.Errorf("GET %s: %s: %s", url, resp.Status, body)
	}
	return body, resp.Header, nil
}

type checkpoint struct {
	origin string
	tree   tlog.Tree
	text   string
	note   *note.Note
}

func parseCheckpoint(text string) (string, tlog.Tree, error) {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) < 3 {
		return "", tlog.Tree{}, fmt.Errorf("checkpoint has %d lines", len(lines))
	}
	n, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || n < 0 || lines[1] != strconv.FormatInt(n, 10) {
		return "", tlog.Tree{}, fmt.Errorf("bad tree size %q", lines[1])
	}
	raw, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(raw) != tlog.HashSize {
		return "", tlog.Tree{}, fmt.Errorf("bad root hash %q", lines[2])
	}
	var h tlog.Hash
	copy(h[:], raw)
	return lines[0], tlog.Tree{N: n, Hash: h}, nil
}

func openCheckpoint(msg []byte, verifiers note.Verifiers) (*checkpoint, error) {
	n, err := note.Open(msg, verifiers)
	if err != nil {
		return nil, fmt.Errorf("note.Open: %w", err)
	}
	origin, tree, err := parseCheckpoint(n.Text)
	if err != nil {
		return nil, err
	}
	return &checkpoint{origin: origin, tree: tree, text: n.Text, note: n}, nil
}

// tileReader fetches C2SP tiles: tlog's "tile/8/L/N" paths without the height,
// and "tile/8/data/N" as "tile/entries/N".
type tileReader struct {
	base  string
	fetch int
}

func c2spPath(t tlog.Tile) string {
	p := t.Path()
	p = strings.Replace(p, "tile/8/data/", "tile/entries/", 1)
	return strings.Replace(p, "tile/8/", "tile/", 1)
}

func (r *tileReader) Height() int { return 8 }

func (r *tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		data, header, err := get(r.base + "/" + c2spPath(t))
		if err != nil {
			return nil, err
		}
		r.fetch++
		if t.W == 256 && !strings.Contains(header.Get("Cache-Control"), "immutable") {
			return nil, fmt.Errorf("full tile %s is served without an immutable Cache-Control", c2spPath(t))
		}
		out[i] = data
	}
	return out, nil
}

func (r *tileReader) SaveTiles([]tlog.Tile, [][]byte) {}

func entryBundle(base string, index int64, size int64) ([][]byte, error) {
	tile := tlog.Tile{H: 8, L: -1, N: index, W: 256}
	if rest := size - index*256; rest < 256 {
		tile.W = int(rest)
	}
	data, _, err := get(base + "/" + c2spPath(tile))
	if err != nil {
		return nil, err
	}
	var entries [][]byte
	for len(data) > 0 {
		if len(data) < 2 {
			return nil, errors.New("entry bundle ends inside a length")
		}
		n := int(binary.BigEndian.Uint16(data))
		if len(data) < 2+n {
			return nil, errors.New("entry bundle ends inside an entry")
		}
		entries = append(entries, data[2:2+n])
		data = data[2+n:]
	}
	if len(entries) != tile.W {
		return nil, fmt.Errorf("entry bundle %d has %d entries, want %d", index, len(entries), tile.W)
	}
	return entries, nil
}

func hexHash(s string) (tlog.Hash, error) {
	var h tlog.Hash
	raw, err := hex.DecodeString(s)
	if err != nil || len(raw) != tlog.HashSize {
		return h, fmt.Errorf("bad hex hash %q", s)
	}
	copy(h[:], raw)
	return h, nil
}

func hexHashes(list []string) ([]tlog.Hash, error) {
	var out []tlog.Hash
	for _, s := range list {
		h, err := hexHash(s)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

type proofDoc struct {
	ProofType string   `json:"proof_type"`
	LeafHash  string   `json:"leaf_hash"`
	LeafIndex int64    `json:"leaf_index"`
	TreeSize  int64    `json:"tree_size"`
	Audit     []string `json:"audit_path"`
	Path      []string `json:"consistency_path"`
	Head      sth      `json:"signed_tree_head"`
	First     sth      `json:"first_tree_head"`
	Second    sth      `json:"second_tree_head"`
}

type sth struct {
	TreeHead struct {
		TreeSize int64  `json:"tree_size"`
		RootHash string `json:"root_hash"`
	} `json:"tree_head"`
}

// checkServedProof checks one of our GraphQL proof documents with tlog's verifier.
func checkServedProof(d proofDoc) error {
	switch d.ProofType {
	case "inclusion":
		root, err := hexHash(d.Head.TreeHead.RootHash)
		if err != nil {
			return err
		}
		leaf, err := hexHash(d.LeafHash)
		if err != nil {
			return err
		}
		path, err := hexHashes(d.Audit)
		if err != nil {
			return err
		}
		return tlog.CheckRecord(path, d.TreeSize, root, d.LeafIndex, leaf)
	case "consistency":
		first, err := hexHash(d.First.TreeHead.RootHash)
		if err != nil {
			return err
		}
		second, err := hexHash(d.Second.TreeHead.RootHash)
		if err != nil {
			return err
		}
		path, err := hexHashes(d.Path)
		if err != nil {
			return err
		}
		return tlog.CheckTree(path, d.Second.TreeHead.TreeSize, second, d.First.TreeHead.TreeSize, first)
	}
	return fmt.Errorf("unknown proof_type %q", d.ProofType)
}

type witnessKey struct {
	name string
	id   [4]byte
	key  ed25519.PublicKey
}

func parseWitness(vkey string) (witnessKey, error) {
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 {
		return witnessKey{}, fmt.Errorf("bad witness vkey %q", vkey)
	}
	raw, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(raw) != 33 || raw[0] != 0x04 {
		return witnessKey{}, fmt.Errorf("witness vkey %q is not a cosignature/v1 Ed25519 key", vkey)
	}
	var w witnessKey
	w.name, w.key = parts[0], ed25519.PublicKey(raw[1:])
	sum := sha256.Sum256(append([]byte(w.name+"\n\x04"), raw[1:]...))
	copy(w.id[:], sum[:4])
	if hex.EncodeToString(w.id[:]) != parts[1] {
		return witnessKey{}, fmt.Errorf("witness vkey %q: key id does not match", vkey)
	}
	return w, nil
}

// verifyCosignatures counts the witnesses whose cosignature/v1 over the checkpoint verifies.
func verifyCosignatures(cp *checkpoint, witnesses []witnessKey) (int, error) {
	count := 0
	for _, w := range witnesses {
		for _, sig := range cp.note.UnverifiedSigs {
			raw, err := base64.StdEncoding.DecodeString(sig.Base64)
			if sig.Name != w.name || err != nil || len(raw) != 4+8+64 || !bytes.Equal(raw[:4], w.id[:]) {
				continue
			}
			ts := binary.BigEndian.Uint64(raw[4:12])
			msg := fmt.Sprintf("cosignature/v1\ntime %d\n%s", ts, cp.text)
			if !ed25519.Verify(w.key, []byte(msg), raw[12:]) {
				return count, fmt.Errorf("cosignature of %s does not verify", w.name)
			}
			count++
			break
		}
	}
	return count, nil
}

func run() (map[string]any, error) {
	logURL := flag.String("log", "", "the log's URL prefix (…/log)")
	proofs := flag.String("proofs", "", "a JSON list of served proof documents to check")
	sample := flag.Int64("sample", 64, "inclusion proofs to build and check (spread over the tree)")
	minWitnesses := flag.Int("min-witnesses", 0, "cosignatures required")
	var olds, witnessKeys multi
	flag.Var(&olds, "old", "an earlier checkpoint note (file): check consistency with it")
	flag.Var(&witnessKeys, "witness", "a witness vkey (cosignature/v1)")
	flag.Parse()
	if *logURL == "" {
		return nil, errors.New("-log is required")
	}
	base := strings.TrimSuffix(*logURL, "/")

	vkeyText, _, err := get(base + "/vkeys")
	if err != nil {
		return nil, err
	}
	var verifiers []note.Verifier
	for _, line := range strings.Split(strings.TrimSpace(string(vkeyText)), "\n") {
		v, err := note.NewVerifier(line)
		if err != nil {
			return nil, fmt.Errorf("published vkey %q: %w", line, err)
		}
		verifiers = append(verifiers, v)
	}
	known := note.VerifierList(verifiers...)

	msg, header, err := get(base + "/checkpoint")
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(header.Get("Content-Type"), "text/plain") {
		return nil, fmt.Errorf("checkpoint Content-Type is %q", header.Get("Content-Type"))
	}
	cp, err := openCheckpoint(msg, known)
	if err != nil {
		return nil, err
	}
	if cp.origin != cp.note.Sigs[0].Name {
		return nil, fmt.Errorf("checkpoint origin %q is not its signer's name %q", cp.origin, cp.note.Sigs[0].Name)
	}
	tree := cp.tree
	tr := &tileReader{base: base}
	hr := tlog.TileHashReader(tree, tr)

	root, err := tlog.TreeHash(tree.N, hr)
	if err != nil {
		return nil, fmt.Errorf("tree hash from tiles: %w", err)
	}
	if root != tree.Hash {
		return nil, fmt.Errorf("tiles give root %v, checkpoint says %v", root, tree.Hash)
	}

	// Inclusion: every sampled entry from its bundle, hashed by tlog, proved against the root.
	checked := int64(0)
	bundles := map[int64][][]byte{}
	if tree.N > 0 {
		step := tree.N / *sample
		if step < 1 {
			step = 1
		}
		indexes := []int64{tree.N - 1}
		for i := int64(0); i < tree.N; i += step {
			indexes = append(indexes, i)
		}
		for _, i := range indexes {
			b, ok := bundles[i/256]
			if !ok {
				if b, err = entryBundle(base, i/256, tree.N); err != nil {
					return nil, err
				}
				bundles[i/256] = b
			}
			leaf := tlog.RecordHash(b[i%256])
			proof, err := tlog.ProveRecord(tree.N, i, hr)
			if err != nil {
				return nil, fmt.Errorf("prove record %d: %w", i, err)
			}
			if err := tlog.CheckRecord(proof, tree.N, tree.Hash, i, leaf); err != nil {
				return nil, fmt.Errorf("entry %d (from its bundle) is not in the tree: %w", i, err)
			}
			checked++
		}
	}

	// Consistency with earlier checkpoints.
	consistent := 0
	for _, path := range olds {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		old, err := openCheckpoint(data, known)
		if err != nil {
			return nil, fmt.Errorf("old checkpoint %s: %w", path, err)
		}
		if old.origin != cp.origin || old.tree.N > tree.N || old.tree.N == 0 {
			return nil, fmt.Errorf("old checkpoint %s (size %d) cannot precede size %d", path, old.tree.N, tree.N)
		}
		proof, err := tlog.ProveTree(tree.N, old.tree.N, hr)
		if err != nil {
			return nil, fmt.Errorf("prove tree %d -> %d: %w", old.tree.N, tree.N, err)
		}
		if err := tlog.CheckTree(proof, tree.N, tree.Hash, old.tree.N, old.tree.Hash); err != nil {
			return nil, fmt.Errorf("checkpoint %d is not consistent with %d: %w", tree.N, old.tree.N, err)
		}
		consistent++
	}

	// Our own proof documents, checked by tlog.
	served := 0
	if *proofs != "" {
		data, err := os.ReadFile(*proofs)
		if err != nil {
			return nil, err
		}
		var docs []proofDoc
		if err := json.Unmarshal(data, &docs); err != nil {
			return nil, err
		}
		for k, d := range docs {
			if err := checkServedProof(d); err != nil {
				return nil, fmt.Errorf("served proof %d (%s): %w", k, d.ProofType, err)
			}
			served++
		}
	}

	var witnesses []witnessKey
	for _, v := range witnessKeys {
		w, err := parseWitness(v)
		if err != nil {
			return nil, err
		}
		witnesses = append(witnesses, w)
	}
	cosigned, err := verifyCosignatures(cp, witnesses)
	if err != nil {
		return nil, err
	}
	if cosigned < *minWitnesses {
		return nil, fmt.Errorf("%d of the given witnesses cosigned, %d required", cosigned, *minWitnesses)
	}

	return map[string]any{
		"origin":              cp.origin,
		"tree_size":           tree.N,
		"root_hash":           tree.Hash.String(),
		"log_signatures":      len(cp.note.Sigs),
		"entries_proved":      checked,
		"consistency_checked": consistent,
		"served_proofs_valid": served,
		"cosignatures_valid":  cosigned,
		"tiles_fetched":       tr.fetch,
		"checker":             "golang.org/x/mod/sumdb/{note,tlog}",
	}, nil
}

func main() {
	summary, err := run()
	if err != nil {
		fmt.Fprintln(os.Stderr, "tlogcheck: FAIL:", err)
		os.Exit(1)
	}
	out, _ := json.Marshal(summary)
	fmt.Println(string(out))
}
