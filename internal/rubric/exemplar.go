package rubric

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/casebench/casebench/internal/design"
)

// A drill's answer is short: a few hundred words in a new author's own
// wording, which the concepts' word patterns read far less often than they
// read a design. Interviewers' scores of other answers to the same
// question read it better. An engine built WithExemplars reads each answer
// against them: it finds the scored answers whose words are closest to it
// (cosine of term weights, weighed within the drill's answers, so that the
// words every answer uses count for little), and averages their scores,
// the closest counting most. Its score weighs that reading and the items
// and red flags the rubric's checks read.
//
// On the blind drill answers, each set of 48 in a new author's words and
// read against the scored answers of the other sets: the checks alone
// rank the eighth set at 0.238 against the interviewers, the checks and
// the reading together at 0.711, and the eight sets at 0.71 to 0.92
// (0.849 pooled, where the checks alone gave 0.24 to 0.88). At its one
// look, the ninth set, held out while this was built, ranked at 0.703
// (the checks alone 0.504), and the tenth at 0.651 (0.463): 0.75 to 0.79
// for its technical answers, and no better than chance for its
// behavioral stories, whose words say what they are about more than how
// well they are told.
const (
	// ExemplarWeight is the share of a drill answer's score that comes
	// from the scored answers it reads closest to.
	ExemplarWeight = 0.7
	// ReadMinWords is how many content words an answer needs for its
	// reading to count in full: a sentence or two is too short to be read
	// against whole answers, and its reading counts in proportion. The
	// shortest of the blind answers has 47.
	ReadMinWords = 40
	// ExemplarNeighbours is how many of the closest scored answers count.
	ExemplarNeighbours = 5
	// ReferenceScore is the score a drill's reference answer stands for
	// among its scored answers, and MisconceptionScore that of its
	// misconceptions, stated as an answer would state them.
	ReferenceScore     = 100
	MisconceptionScore = 20
	// ReadStrongFrom and ReadMediumFrom are where an answer read against
	// scored answers grades strong and medium: the interviewers' own
	// scale, which most of its score is on (their scores run 90 and above
	// for a clear strong answer, 50 to 74 for a borderline one). On the
	// blind sets, each read against the others (and SQL drills, which are
	// not read, at their own bands), the grades agree with the
	// interviewers' on 288 of 384 answers, where 65 and 35 agree on 261.
	ReadStrongFrom = 72
	ReadMediumFrom = 50
)

// unlikeSimilarity is the similarity at which an answer of no worth
// weighs as much as a scored answer does: below it an answer reads as
// like none of them. Of the blind answers, 95% have a scored answer
// closer than 0.10 and the least alike 0.07; answers that say nothing
// particular ("it depends; I would look at the data and iterate") have
// 0.02 to 0.11.
var unlikeSimilarity = 0.08

// exemplarPower sharpens the weights of the neighbours: a neighbour at
// twice the similarity counts sixteen times as much.
const exemplarPower = 4

// Exemplar is an answer to a drill with the score interviewers gave it.
type Exemplar struct {
	ID    string  // unique among the drill's exemplars ("dev4/d01", "reference")
	Set   string  // the set it was written and scored in, "" for none
	Score float64 // 0 to 100
	Why   string  // the interviewers' reasons, in a sentence or two
	// Design is the answer, as the engine reads it.
	Design *design.Design
}

// WithExemplars gives the scored answers a drill answer is read against.
func WithExemplars(ex ...Exemplar) Option {
	return func(o *options) { o.exemplars = append(o.exemplars, ex...) }
}

// Reading is what a drill answer's closest scored answers say of it.
type Reading struct {
	// Score is the weighted mean of the scores of the closest answers.
	Score float64 `json:"score"`
	// Items is the score of the rubric's items and red flags alone.
	Items float64 `json:"items"`
	// Weight is the share of the final score that comes from Score:
	// ExemplarWeight, less for an answer shorter than ReadMinWords.
	Weight float64 `json:"weight"`
	// Of is how many scored answers the answer was read against.
	Of      int         `json:"of"`
	Nearest []Neighbour `json:"nearest"`
}

// Neighbour is one of the scored answers closest to an answer.
type Neighbour struct {
	ID         string  `json:"id"`
	Score      float64 `json:"score"`
	Similarity float64 `json:"similarity"` // cosine, 0 to 1
	Why        string  `json:"why,omitempty"`
}

// exemplarDoc is a scored answer's terms.
type exemplarDoc struct {
	ex    Exemplar
	terms map[string]int
}

// buildExemplars reads the exemplars' words once.
func (e *Engine) buildExemplars(ex []Exemplar) {
	for _, x := range ex {
		p := e.parse(x.Design)
		e.exemplars = append(e.exemplars, exemplarDoc{ex: x, terms: readTerms(p)})
		p.release()
	}
	e.index()
}

// readTerms counts the content words of the credited sentences of p,
// stemmed: a keyword list, text copied from the question and words beyond
// the budget are not read, as the checks do not read them.
func readTerms(p *parsed) map[string]int {
	terms := map[string]int{}
	for i := range p.sents {
		s := &p.sents[i]
		if !s.credited() {
			continue
		}
		for _, t := range s.tokens {
			if w := contentStem(t.word); w != "" {
				terms[w]++
			}
		}
	}
	return terms
}

// readingStop are the words too common to tell answers apart.
var readingStop = setOf(`the a an and or of to in on for is are was were be been it its this that with as at by from
i we you they he she my our your their not no but so if then than which who what when how do does did have has had
can could would should will just very also more most into about there here one two all any some each only out up`)

// contentStem returns w stemmed, or "" for a word that is not content: a
// number, a symbol or a common word.
func contentStem(w string) string {
	if len(w) < 2 || w[0] < 'a' || w[0] > 'z' || readingStop[w] {
		return ""
	}
	for _, suf := range []string{"ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "s", "ly"} {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 4 {
			return w[:len(w)-len(suf)]
		}
	}
	return w
}

// exemplarIndex holds the exemplars' terms for reading an answer against
// all of them at once: the term weights are those of the drill's scored
// answers and the answer, and only the answer's terms move them.
type exemplarIndex struct {
	term  map[string]int32 // a stem to its id
	df    []int32          // per term: how many exemplars hold it
	post  [][]posting      // per term: the exemplars holding it
	norm2 []float64        // per exemplar: its squared length under the weights without the answer
}

type posting struct {
	doc int32
	ltf float64 // 1 + log of the term's count in the exemplar
}

// index builds the exemplar index.
func (e *Engine) index() {
	x := &exemplarIndex{term: map[string]int32{}, norm2: make([]float64, len(e.exemplars))}
	for di := range e.exemplars {
		for w, c := range e.exemplars[di].terms {
			id, ok := x.term[w]
			if !ok {
				id = int32(len(x.df))
				x.term[w] = id
				x.df = append(x.df, 0)
				x.post = append(x.post, nil)
			}
			x.df[id]++
			x.post[id] = append(x.post[id], posting{doc: int32(di), ltf: 1 + math.Log(float64(c))})
		}
	}
	n := float64(len(e.exemplars) + 1)
	for id, ps := range x.post {
		idf := math.Log((n + 1) / (float64(x.df[id]) + 0.5))
		for _, pst := range ps {
			x.norm2[pst.doc] += pst.ltf * pst.ltf * idf * idf
		}
	}
	e.exIndex = x
}

// similarities returns the cosine of the answer's terms with each
// exemplar's, under the term weights of the exemplars and the answer.
func (e *Engine) similarities(answer map[string]int) []float64 {
	x := e.exIndex
	n := float64(len(e.exemplars) + 1)
	dot := make([]float64, len(e.exemplars))
	norm2 := slices.Clone(x.norm2)
	an2 := 0.0
	for w, c := range answer {
		altf := 1 + math.Log(float64(c))
		id, ok := x.term[w]
		if !ok {
			idf := math.Log((n + 1) / 1.5)
			an2 += altf * altf * idf * idf
			continue
		}
		base := math.Log((n + 1) / (float64(x.df[id]) + 0.5))
		idf := math.Log((n + 1) / (float64(x.df[id]) + 1.5))
		an2 += altf * altf * idf * idf
		for _, pst := range x.post[id] {
			dot[pst.doc] += altf * pst.ltf * idf * idf
			norm2[pst.doc] += pst.ltf * pst.ltf * (idf*idf - base*base)
		}
	}
	sims := make([]float64, len(e.exemplars))
	for d := range sims {
		if an2 > 0 && norm2[d] > 0 {
			sims[d] = dot[d] / math.Sqrt(an2*norm2[d])
		}
	}
	return sims
}

// similaritiesWithout returns the cosine of the answer's terms with each
// of docs, under the term weights of docs and the answer alone: how the
// blind tests read an answer with one set of exemplars left out.
func similaritiesWithout(answer map[string]int, docs []*exemplarDoc) []float64 {
	df := map[string]int{}
	for _, d := range docs {
		for w := range d.terms {
			df[w]++
		}
	}
	for w := range answer {
		df[w]++
	}
	n := float64(len(docs) + 1)
	weigh := func(terms map[string]int) (map[string]float64, float64) {
		v := make(map[string]float64, len(terms))
		norm := 0.0
		for w, c := range terms {
			x := (1 + math.Log(float64(c))) * math.Log((n+1)/(float64(df[w])+0.5))
			v[w] = x
			norm += x * x
		}
		return v, math.Sqrt(norm)
	}
	av, an := weigh(answer)
	sims := make([]float64, len(docs))
	for i, d := range docs {
		dv, dn := weigh(d.terms)
		if an > 0 && dn > 0 {
			dot := 0.0
			for w, x := range av {
				dot += x * dv[w]
			}
			sims[i] = dot / (an * dn)
		}
	}
	return sims
}

// read reads p against the exemplars, leaving out those of set without
// (none when it is ""), and returns nil when the engine has none.
func (e *Engine) read(p *parsed, without string) *Reading {
	docs := make([]*exemplarDoc, 0, len(e.exemplars))
	for i := range e.exemplars {
		if without == "" || e.exemplars[i].ex.Set != without {
			docs = append(docs, &e.exemplars[i])
		}
	}
	if len(docs) == 0 {
		return nil
	}
	answer := readTerms(p)
	var sims []float64
	if len(docs) == len(e.exemplars) {
		sims = e.similarities(answer)
	} else {
		sims = similaritiesWithout(answer, docs)
	}
	near := make([]Neighbour, 0, len(docs))
	for i, d := range docs {
		near = append(near, Neighbour{ID: d.ex.ID, Score: d.ex.Score, Similarity: sims[i], Why: d.ex.Why})
	}
	slices.SortStableFunc(near, func(a, b Neighbour) int { return cmp.Compare(b.Similarity, a.Similarity) })
	near = near[:min(ExemplarNeighbours, len(near))]
	for len(near) > 0 && near[len(near)-1].Similarity <= 0 {
		near = near[:len(near)-1] // sharing no word read, it says nothing of the answer
	}
	// An answer far from every scored answer is like none of them: an
	// answer of no worth stands at the similarity the least alike of the
	// blind answers have to their closest scored answer.
	sum, wsum := 0.0, math.Pow(unlikeSimilarity, exemplarPower)
	for i := range near {
		w := math.Pow(max(near[i].Similarity, 1e-6), exemplarPower)
		sum += w * near[i].Score
		wsum += w
		near[i].Similarity = round2(near[i].Similarity)
	}
	words := 0
	for _, c := range answer {
		words += c
	}
	r := &Reading{Weight: ExemplarWeight * min(1, float64(words)/ReadMinWords), Of: len(docs), Nearest: near}
	if wsum > 0 {
		r.Score = round1(sum / wsum)
	}
	return r
}

// weighReading folds the reading into the report's score and says how.
func (rep *Report) weighReading(r *Reading) {
	r.Items = rep.Score
	rep.Reading = r
	rep.Score = round1((1-r.Weight)*r.Items + r.Weight*r.Score)
	scores := make([]string, 0, 3)
	for _, nb := range r.Nearest[:min(3, len(r.Nearest))] {
		scores = append(scores, fmt.Sprintf("%.0f", nb.Score))
	}
	closest := "like none of them"
	if len(scores) > 0 {
		closest = "closest to answers they scored " + joinAnd(scores)
	}
	rep.Notices = append(rep.Notices, Note{Kind: NoteReading,
		Message: fmt.Sprintf("Read against %d answers to this question that interviewers scored, the reference answer among them: this answer reads %s, which gives %.0f. Its items and red flags give %.0f. The score counts the first %.0f%% and the second %.0f%%.", r.Of, closest, r.Score, r.Items, 100*r.Weight, 100*(1-r.Weight))})
}

// joinAnd joins words as a sentence lists them: "a, b and c".
func joinAnd(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}
