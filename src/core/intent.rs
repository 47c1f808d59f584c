//! The intent classifier: which entry a question is about, as probabilities over every entry
//! of the knowledge (topics, articles, small talk, and each out-of-scope entry as a class of
//! its own).
//!
//! A multinomial logistic regression over TF-IDF-weighted hashed features
//! ([`features`](super::features)) of the normalised text, trained by `netral kb train` on the
//! knowledge's own phrasings ([`training_set`], [`IntentModel::train`]) and shipped as
//! `knowledge/intent-model.bin` with the fingerprint of what it learned from. Weights are
//! stored as int8 with one scale per feature (answers identical to f32 on our sets, a quarter
//! of the size). Inference is a sparse dot product: a few hundred features × the classes.

use super::features::{self, Block, Feature, Word, extract};
use super::normalise::Normaliser;
use super::train::{self, Row, Settings};
use crate::knowledge::KnowledgeBase;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::cell::RefCell;

/// The model file's name inside the knowledge folder.
pub const MODEL_FILE: &str = "intent-model.bin";
const MAGIC: &[u8; 8] = b"NTRLINT1";
/// Bump when features or the file layout change: older files then count as stale.
const FORMAT: u32 = 1;
/// Hash buckets: 2^BITS.
const BITS: u32 = 19;

/// Why a model file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("not a netral intent model (wrong magic bytes)")]
    Magic,
    #[error("the model file is truncated or its sizes do not add up")]
    Truncated,
    #[error("the model header is unreadable: {0}")]
    Header(#[from] serde_json::Error),
}

/// The classes and phrasings a model learns from, normalised.
#[derive(Debug, Clone)]
pub struct TrainingSet {
    /// Entry ids, in the order of the engine's index.
    pub classes: Vec<String>,
    /// Every phrasing.
    pub samples: Vec<Sample>,
    /// SHA-256 over the classes, every phrasing as written and the lexicon (see
    /// [`source_digest`]): what the fingerprint is made of, cheap to compute at start-up.
    pub source: String,
}

/// One phrasing of the knowledge, as the classifier learns it.
#[derive(Debug, Clone)]
pub struct Sample {
    /// The entry's position in [`TrainingSet::classes`].
    pub class: usize,
    /// The phrasing as written in the knowledge.
    pub text: String,
    pub surface: Vec<String>,
    pub stems: Vec<String>,
}

impl TrainingSet {
    /// SHA-256 over everything training depends on: the format (bumped when the features or
    /// the normaliser's rules change), the settings, and [`TrainingSet::source`]. A model whose
    /// fingerprint differs is stale.
    pub fn fingerprint(&self, s: &Settings) -> String {
        fingerprint(&self.source, s)
    }
}

fn fingerprint(source: &str, s: &Settings) -> String {
    let mut h = Sha256::new();
    h.update(format!(
        "format {FORMAT} bits {BITS} c {} iter {} tol {}\n{source}",
        s.c, s.max_iter, s.tol
    ));
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Each entry's id and its phrasings, in index order: topics (title and questions), articles
/// (headline and questions), small talk, out-of-scope entries; then the training questions
/// (`training/*.toml`) of each.
fn phrasings(kb: &KnowledgeBase) -> Vec<(&str, Vec<&str>)> {
    let mut out: Vec<(&str, Vec<&str>)> = Vec::new();
    for t in &kb.topics {
        let texts = std::iter::once(t.title.as_str()).chain(t.questions.iter().map(String::as_str));
        out.push((&t.id, texts.collect()));
    }
    for a in &kb.articles {
        let texts = std::iter::once(a.title.as_str()).chain(a.questions.iter().map(String::as_str));
        out.push((&a.id, texts.collect()));
    }
    for st in &kb.smalltalk {
        let texts =
            std::iter::once(st.title.as_str()).chain(st.questions.iter().map(String::as_str));
        out.push((&st.id, texts.collect()));
    }
    for d in &kb.declines {
        out.push((&d.id, d.questions.iter().map(String::as_str).collect()));
    }
    // Questions written the way users ask join their entry's class (the loader checked that
    // every id exists).
    for t in &kb.training {
        if let Some((_, texts)) = out.iter_mut().find(|(id, _)| *id == t.id) {
            texts.extend(t.questions.iter().map(String::as_str));
        }
    }
    out
}

/// SHA-256 over the classes, their phrasings as written, and the lexicon in a canonical order.
pub fn source_digest(kb: &KnowledgeBase) -> String {
    // Gathered into one buffer and hashed at once: a hasher fed word by word spends more on
    // the calls than on hashing (this runs at every start-up).
    let mut h: Vec<u8> = Vec::with_capacity(1 << 19);
    for (id, texts) in phrasings(kb) {
        // The same bytes as `format!("class {id}\n")` and `format!("{t}\n")`, without
        // allocating.
        h.extend_from_slice(b"class ");
        h.extend_from_slice(id.as_bytes());
        h.extend_from_slice(b"\n");
        for t in texts {
            h.extend_from_slice(t.as_bytes());
            h.extend_from_slice(b"\n");
        }
    }
    let lex = &kb.lexicon;
    let mut slang: Vec<_> = lex.slang.iter().collect();
    slang.sort();
    // The same bytes as `format!("slang {k}={}\n", v.join(" "))` and
    // `format!("synonym {}={}\n", variant.join(" "), canonical.join(" "))`, without allocating.
    let words = |h: &mut Vec<u8>, ws: &[String]| {
        for (i, w) in ws.iter().enumerate() {
            if i > 0 {
                h.extend_from_slice(b" ");
            }
            h.extend_from_slice(w.as_bytes());
        }
    };
    for (k, v) in slang {
        h.extend_from_slice(b"slang ");
        h.extend_from_slice(k.as_bytes());
        h.extend_from_slice(b"=");
        words(&mut h, v);
        h.extend_from_slice(b"\n");
    }
    for (variant, canonical) in &lex.synonyms {
        h.extend_from_slice(b"synonym ");
        words(&mut h, variant);
        h.extend_from_slice(b"=");
        words(&mut h, canonical);
        h.extend_from_slice(b"\n");
    }
    h.extend_from_slice(
        format!(
            "protected {}\nparticles {}\n",
            lex.protected.join(" "),
            lex.particles.join(" ")
        )
        .as_bytes(),
    );
    hex(&Sha256::digest(&h))
}

/// Whether `model` was trained on this knowledge with these settings, without normalising
/// every phrasing (start-up).
pub fn is_fresh(model: &IntentModel, kb: &KnowledgeBase, s: &Settings) -> bool {
    model.header.format == FORMAT && model.header.trained_on == fingerprint(&source_digest(kb), s)
}

/// The phrasings of every entry, normalised, in index order.
pub fn training_set(kb: &KnowledgeBase, norm: &Normaliser) -> TrainingSet {
    let mut classes = Vec::new();
    let mut samples = Vec::new();
    for (id, texts) in phrasings(kb) {
        let class = classes.len();
        classes.push(id.to_string());
        for t in texts {
            let surface = norm.surface(t);
            if surface.is_empty() {
                continue;
            }
            let stems = surface.iter().map(|w| norm.stem(w)).collect();
            samples.push(Sample {
                class,
                text: t.to_string(),
                surface,
                stems,
            });
        }
    }
    TrainingSet {
        classes,
        samples,
        source: source_digest(kb),
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Header {
    format: u32,
    /// Fingerprint of the training set and settings ([`TrainingSet::fingerprint`]).
    trained_on: String,
    bits: u32,
    classes: Vec<String>,
    rows: usize,
    c: f64,
    max_iter: usize,
    iterations: usize,
}

/// One feature the model knows.
#[derive(Debug, Clone, Copy, PartialEq)]
struct FeatureRow {
    bucket: u32,
    block: Block,
    idf: f32,
    /// Scale of this row's int8 weights.
    scale: f32,
}

/// A trained intent classifier.
#[derive(Debug, Clone)]
pub struct IntentModel {
    header: Header,
    rows: Vec<FeatureRow>,
    /// Bucket → row + 1 (0: unknown feature).
    table: Vec<u32>,
    /// `rows × classes`, row-major, as stored; inference reads them as they are (a row's
    /// values times its scale), which keeps the model a quarter of the size of f32 in memory.
    /// The model compiled into the binary is read in place ([`IntentModel::from_static`]):
    /// only the rows a question uses are ever paged in.
    weights: Cow<'static, [i8]>,
    bias: Vec<f32>,
}

/// Sublinear term frequency.
fn tf(count: f32) -> f32 {
    if count > 1.0 { 1.0 + count.ln() } else { count }
}

fn words_of<'a>(
    surface: &'a [String],
    stems: &'a [String],
    weights: Option<&[f32]>,
) -> Vec<Word<'a>> {
    surface
        .iter()
        .zip(stems)
        .enumerate()
        .map(|(i, (s, t))| Word {
            surface: s,
            stem: t,
            weight: weights.map_or(1.0, |w| w[i]),
        })
        .collect()
}

/// TF-IDF values of known features, each block L2-normalised: (row, value).
fn vectorise(
    feats: &[Feature],
    row_of: impl Fn(u32) -> Option<usize>,
    idf: impl Fn(usize) -> f32,
) -> Vec<(u32, f32)> {
    let mut out: Vec<(u32, f32, Block)> = feats
        .iter()
        .filter_map(|f| row_of(f.bucket).map(|r| (r as u32, tf(f.count) * idf(r), f.block)))
        .collect();
    let mut norms = [0.0f32; 2];
    for (_, v, b) in &out {
        norms[*b as usize] += v * v;
    }
    let norms = norms.map(|n| if n > 0.0 { n.sqrt() } else { 1.0 });
    out.iter_mut()
        .for_each(|(_, v, b)| *v /= norms[*b as usize]);
    out.into_iter().map(|(r, v, _)| (r, v)).collect()
}

impl IntentModel {
    /// Trains a model on a training set (deterministic: same set, same bytes).
    pub fn train(set: &TrainingSet, s: Settings) -> IntentModel {
        IntentModel::train_without(set, s, |_| false)
    }

    /// A model of the shape training would give (features, IDF, classes) with zero weights:
    /// what a benchmark needs to measure the cost of inference on knowledge too large to
    /// train on in a benchmark's set-up. Never used to answer.
    pub fn untrained(set: &TrainingSet) -> IntentModel {
        IntentModel::train_without(
            set,
            Settings {
                max_iter: 0,
                ..Settings::default()
            },
            |_| false,
        )
    }

    /// Trains on the samples for which `left_out` is false (cross-validation in `kb
    /// calibrate`); the classes stay the same.
    pub fn train_without(
        set: &TrainingSet,
        s: Settings,
        left_out: impl Fn(usize) -> bool,
    ) -> IntentModel {
        let kept = TrainingSet {
            source: set.source.clone(),
            classes: set.classes.clone(),
            samples: set
                .samples
                .iter()
                .enumerate()
                .filter(|(i, _)| !left_out(*i))
                .map(|(_, x)| x.clone())
                .collect(),
        };
        let set = &kept;
        let feats: Vec<Vec<Feature>> = set
            .samples
            .iter()
            .map(|x| extract(&words_of(&x.surface, &x.stems, None), BITS))
            .collect();
        // Columns: every bucket seen in training, in bucket order.
        let mut buckets: Vec<(u32, Block)> = feats
            .iter()
            .flatten()
            .map(|f| (f.bucket, f.block))
            .collect();
        buckets.sort_unstable_by_key(|b| b.0);
        buckets.dedup_by_key(|b| b.0);
        let mut table = vec![0u32; 1 << BITS];
        for (r, (b, _)) in buckets.iter().enumerate() {
            table[*b as usize] = r as u32 + 1;
        }
        let mut df = vec![0u32; buckets.len()];
        for f in feats.iter().flatten() {
            df[table[f.bucket as usize] as usize - 1] += 1;
        }
        let n = feats.len() as f32;
        let idf: Vec<f32> = df
            .iter()
            .map(|&d| ((1.0 + n) / (1.0 + d as f32)).ln() + 1.0)
            .collect();
        let rows: Vec<Row> = feats
            .iter()
            .zip(&set.samples)
            .map(|(f, x)| Row {
                features: vectorise(f, |b| Some(table[b as usize] as usize - 1), |r| idf[r]),
                class: x.class,
                weight: 1.0,
            })
            .collect();
        let k = set.classes.len();
        // max_iter 0 (an untrained model's shape): zero weights, without a training run's memory.
        let linear = (s.max_iter > 0).then(|| train::train(&rows, buckets.len(), k, s));
        let zeros = vec![0.0f64; k];
        let mut weights = Vec::with_capacity(buckets.len() * k);
        let mut feature_rows = Vec::with_capacity(buckets.len());
        for (r, (bucket, block)) in buckets.iter().enumerate() {
            let w = linear
                .as_ref()
                .map_or(&zeros[..], |l| &l.weights[r * k..][..k]);
            let max = w.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
            weights.extend(
                w.iter()
                    .map(|v| (v / scale).round().clamp(-127.0, 127.0) as i8),
            );
            feature_rows.push(FeatureRow {
                bucket: *bucket,
                block: *block,
                idf: idf[r],
                scale: scale as f32,
            });
        }
        IntentModel {
            header: Header {
                format: FORMAT,
                trained_on: set.fingerprint(&s),
                bits: BITS,
                classes: set.classes.clone(),
                rows: buckets.len(),
                c: s.c,
                max_iter: s.max_iter,
                iterations: linear.as_ref().map_or(0, |l| l.iterations),
            },
            rows: feature_rows,
            table,
            weights: Cow::Owned(weights),
            bias: linear
                .as_ref()
                .map_or(vec![0.0; k], |l| l.bias.iter().map(|&b| b as f32).collect()),
        }
    }

    /// The fingerprint of the training set this model learned from.
    pub fn trained_on(&self) -> &str {
        &self.header.trained_on
    }

    /// The class ids, in the order of [`IntentModel::probabilities`].
    pub fn classes(&self) -> &[String] {
        &self.header.classes
    }

    /// Number of features the model knows.
    pub fn feature_count(&self) -> usize {
        self.rows.len()
    }

    /// Whether the model can be used with this training set (same fingerprint).
    pub fn is_fresh_for(&self, set: &TrainingSet, s: &Settings) -> bool {
        self.header.format == FORMAT && self.header.trained_on == set.fingerprint(s)
    }

    /// Class probabilities for a question's words (surface, stems, per-word weights).
    pub fn probabilities(&self, surface: &[String], stems: &[String], weights: &[f32]) -> Vec<f32> {
        self.probabilities_among(surface, stems, weights, None)
    }

    /// Like [`IntentModel::probabilities`], but with `among`, only those classes are scored
    /// and the probabilities are relative to them (the others get 0): the cost then no longer
    /// grows with the number of classes.
    pub fn probabilities_among(
        &self,
        surface: &[String],
        stems: &[String],
        weights: &[f32],
        among: Option<&[usize]>,
    ) -> Vec<f32> {
        self.probabilities_of(&words_of(surface, stems, Some(weights)), among)
    }

    /// Like [`IntentModel::probabilities_among`], for words the caller has already paired up.
    pub fn probabilities_of(&self, words: &[Word<'_>], among: Option<&[usize]>) -> Vec<f32> {
        let x = self.vector(words);
        let k = self.bias.len();
        if let Some(among) = among {
            let mut z = vec![f32::NEG_INFINITY; k];
            for &c in among.iter().filter(|&&c| c < k) {
                z[c] = self.bias[c]
                    + x.iter()
                        .map(|&(r, v)| {
                            let r = r as usize;
                            v * self.rows[r].scale * f32::from(self.weights[r * k + c])
                        })
                        .sum::<f32>();
            }
            softmax32(&mut z);
            return z;
        }
        let mut z = self.bias.clone();
        let rows = x.iter().map(|&(r, v)| {
            let r = r as usize;
            (&self.weights[r * k..][..k], v * self.rows[r].scale)
        });
        add_rows(&mut z, rows);
        softmax32(&mut z);
        z
    }
}

thread_local! {
    /// Per-thread scratch space of [`IntentModel::vector`]: a count per known feature row and
    /// the rows touched.
    static ROWS: RefCell<(Vec<f32>, Vec<u32>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

impl IntentModel {
    /// The question's TF-IDF vector over the model's rows, each block L2-normalised, as
    /// [`vectorise`] makes it for training, but accumulated by row without sorting.
    fn vector(&self, words: &[Word<'_>]) -> Vec<(u32, f32)> {
        ROWS.with(|cell| {
            let mut guard = cell.borrow_mut();
            let (acc, touched) = &mut *guard;
            if acc.len() < self.rows.len() {
                acc.resize(self.rows.len(), 0.0);
            }
            touched.clear();
            features::each(words, self.header.bits, |f| {
                if let Some(&r) = self.table.get(f.bucket as usize)
                    && r > 0
                {
                    let r = r - 1;
                    if acc[r as usize] == 0.0 {
                        touched.push(r);
                    }
                    acc[r as usize] += f.count;
                }
            });
            let mut norms = [0.0f32; 2];
            let mut x: Vec<(u32, f32)> = Vec::with_capacity(touched.len());
            for &r in touched.iter() {
                let count = std::mem::take(&mut acc[r as usize]);
                if count == 0.0 {
                    continue;
                }
                let row = &self.rows[r as usize];
                let v = tf(count) * row.idf;
                norms[row.block as usize] += v * v;
                x.push((r, v));
            }
            let norms = norms.map(|n| if n > 0.0 { n.sqrt() } else { 1.0 });
            for (r, v) in &mut x {
                *v /= norms[self.rows[*r as usize].block as usize];
            }
            x
        })
    }
}

/// `z += Σ scale · row` over int8 rows: the classifier's inner loop. On x86-64 processors
/// with AVX2 and FMA (nearly all servers since 2013) the same loop is compiled for them and
/// chosen at run time; elsewhere it runs as plain Rust. Both give the same sums up to
/// floating-point rounding.
fn add_rows<'a>(z: &mut [f32], rows: impl Iterator<Item = (&'a [i8], f32)>) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU has just been checked to support AVX2 and FMA, the only
        // requirement of a `#[target_feature]` function; its body is safe Rust.
        return unsafe { add_rows_avx2(z, rows) };
    }
    add_rows_plain(z, rows);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn add_rows_avx2<'a>(z: &mut [f32], rows: impl Iterator<Item = (&'a [i8], f32)>) {
    add_rows_plain(z, rows);
}

/// Rows are added four at a time, so that `z` is read and written once per four rows (the
/// loop is bound by memory traffic, not arithmetic).
#[inline(always)]
fn add_rows_plain<'a>(z: &mut [f32], rows: impl Iterator<Item = (&'a [i8], f32)>) {
    let mut rows = rows.peekable();
    while rows.peek().is_some() {
        let (w0, v0) = rows.next().unwrap_or((&[], 0.0));
        let (w1, v1) = rows.next().unwrap_or((&[], 0.0));
        let (w2, v2) = rows.next().unwrap_or((&[], 0.0));
        let (w3, v3) = rows.next().unwrap_or((&[], 0.0));
        if w3.len() == z.len() {
            for ((((zk, &a), &b), &c), &d) in z.iter_mut().zip(w0).zip(w1).zip(w2).zip(w3) {
                *zk +=
                    v0 * f32::from(a) + v1 * f32::from(b) + v2 * f32::from(c) + v3 * f32::from(d);
            }
        } else {
            // Fewer than four rows left.
            for (w, v) in [(w0, v0), (w1, v1), (w2, v2)] {
                for (zk, &wk) in z.iter_mut().zip(w) {
                    *zk += v * f32::from(wk);
                }
            }
        }
    }
}

/// Softmax in place; classes at −∞ get 0.
fn softmax32(z: &mut [f32]) {
    let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if max == f32::NEG_INFINITY {
        return z.iter_mut().for_each(|v| *v = 0.0);
    }
    let mut sum = 0.0;
    for v in z.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    z.iter_mut().for_each(|v| *v /= sum);
}

impl IntentModel {
    /// The model as bytes (the `intent-model.bin` format; see `knowledge/README.md`).
    pub fn to_bytes(&self) -> Vec<u8> {
        let header = serde_json::to_vec(&self.header).unwrap_or_default();
        let mut out =
            Vec::with_capacity(16 + header.len() + self.rows.len() * 13 + self.weights.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
        out.extend_from_slice(&header);
        for r in &self.rows {
            out.extend_from_slice(&r.bucket.to_le_bytes());
            out.push(r.block as u8);
            out.extend_from_slice(&r.idf.to_le_bytes());
            out.extend_from_slice(&r.scale.to_le_bytes());
        }
        out.extend(self.weights.iter().map(|&w| w as u8));
        for b in &self.bias {
            out.extend_from_slice(&b.to_le_bytes());
        }
        out
    }

    /// Reads a model from its bytes (copied).
    pub fn from_bytes(bytes: &[u8]) -> Result<IntentModel, ModelError> {
        IntentModel::parse(bytes, |w| Cow::Owned(bytemuck::cast_slice(w).to_vec()))
    }

    /// Reads a model compiled into the binary, using its weights where they are: nothing is
    /// copied, and start-up does not touch them.
    pub fn from_static(bytes: &'static [u8]) -> Result<IntentModel, ModelError> {
        IntentModel::parse(bytes, |w| Cow::Borrowed(bytemuck::cast_slice(w)))
    }

    fn parse<'a>(
        bytes: &'a [u8],
        keep: impl FnOnce(&'a [u8]) -> Cow<'static, [i8]>,
    ) -> Result<IntentModel, ModelError> {
        let mut r = Reader { bytes, pos: 0 };
        if r.take(8)? != MAGIC {
            return Err(ModelError::Magic);
        }
        let len = r.u32()? as usize;
        let header: Header = serde_json::from_slice(r.take(len)?)?;
        let k = header.classes.len();
        if header.bits > 24 || k == 0 {
            return Err(ModelError::Truncated);
        }
        let mut table = vec![0u32; 1 << header.bits];
        let mut rows = Vec::with_capacity(header.rows.min(bytes.len()));
        for i in 0..header.rows {
            let bucket = r.u32()?;
            let block = match r.take(1)?[0] {
                0 => Block::Word,
                _ => Block::Char,
            };
            let idf = r.f32()?;
            let scale = r.f32()?;
            *table
                .get_mut(bucket as usize)
                .ok_or(ModelError::Truncated)? = i as u32 + 1;
            rows.push(FeatureRow {
                bucket,
                block,
                idf,
                scale,
            });
        }
        let weights = keep(r.take(header.rows.checked_mul(k).ok_or(ModelError::Truncated)?)?);
        let bias = (0..k).map(|_| r.f32()).collect::<Result<_, _>>()?;
        if r.pos != bytes.len() {
            return Err(ModelError::Truncated);
        }
        Ok(IntentModel {
            header,
            rows,
            table,
            weights,
            bias,
        })
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let end = self.pos.checked_add(n).ok_or(ModelError::Truncated)?;
        let s = self.bytes.get(self.pos..end).ok_or(ModelError::Truncated)?;
        self.pos = end;
        Ok(s)
    }
    fn u32(&mut self) -> Result<u32, ModelError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn f32(&mut self) -> Result<f32, ModelError> {
        Ok(f32::from_bits(self.u32()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set() -> TrainingSet {
        let s = |t: &str| t.split(' ').map(str::to_string).collect::<Vec<_>>();
        let mut samples = Vec::new();
        let mut add = |class: usize, q: &str| {
            samples.push(Sample {
                class,
                text: q.to_string(),
                surface: s(q),
                stems: s(q),
            })
        };
        for q in [
            "asn like postingan capres",
            "pns komentar status calon",
            "like foto paslon",
        ] {
            add(0, q);
        }
        for q in [
            "sanksi pns kampanye",
            "hukuman asn ikut kampanye",
            "sanksi disiplin berat",
        ] {
            add(1, q);
        }
        for q in ["resep rendang", "cara masak nasi goreng", "resep kue"] {
            add(2, q);
        }
        let source = samples
            .iter()
            .map(|x| x.text.clone())
            .collect::<Vec<_>>()
            .join("\n");
        TrainingSet {
            classes: vec!["medsos".into(), "sanksi".into(), "masak".into()],
            samples,
            source,
        }
    }

    fn ask(m: &IntentModel, q: &str) -> (usize, f32) {
        let w: Vec<String> = q.split(' ').map(str::to_string).collect();
        let p = m.probabilities(&w, &w, &vec![1.0; w.len()]);
        let best = (0..p.len())
            .max_by(|&a, &b| p[a].total_cmp(&p[b]))
            .unwrap_or(0);
        (best, p[best])
    }

    #[test]
    fn classifies_unseen_wordings_and_misspellings() {
        let m = IntentModel::train(&set(), Settings::default());
        assert_eq!(ask(&m, "boleh like postingan calon").0, 0);
        assert_eq!(ask(&m, "apa sanksinya kalau kampanye").0, 1);
        assert_eq!(
            ask(&m, "resepp rendang").0,
            2,
            "character n-grams catch the typo"
        );
    }

    #[test]
    fn bytes_round_trip_and_the_same_set_gives_the_same_bytes() {
        let a = IntentModel::train(&set(), Settings::default());
        let b = IntentModel::train(&set(), Settings::default());
        assert_eq!(a.to_bytes(), b.to_bytes(), "training is deterministic");
        let back = IntentModel::from_bytes(&a.to_bytes()).expect("reads back");
        assert_eq!(back.to_bytes(), a.to_bytes());
        assert_eq!(ask(&back, "sanksi pns"), ask(&a, "sanksi pns"));
        assert!(back.is_fresh_for(&set(), &Settings::default()));
    }

    #[test]
    fn a_changed_phrasing_makes_the_model_stale() {
        let m = IntentModel::train(&set(), Settings::default());
        let mut changed = set();
        changed.source.push_str("\npppk like postingan capres");
        assert!(!m.is_fresh_for(&changed, &Settings::default()));
    }

    #[test]
    fn rows_added_four_at_a_time_give_the_plain_sums() {
        // Any number of rows (not only multiples of four), any number of classes.
        for n_rows in 0..10usize {
            for k in [1usize, 7, 8, 89] {
                let weights: Vec<Vec<i8>> = (0..n_rows)
                    .map(|r| (0..k).map(|c| ((r * 31 + c * 17) % 255) as i8).collect())
                    .collect();
                let values: Vec<f32> = (0..n_rows).map(|r| 0.25 + r as f32 * 0.5).collect();
                let mut z = vec![1.0f32; k];
                add_rows(
                    &mut z,
                    weights
                        .iter()
                        .map(Vec::as_slice)
                        .zip(values.iter().copied()),
                );
                for (c, &got) in z.iter().enumerate() {
                    let want = 1.0
                        + (0..n_rows)
                            .map(|r| values[r] * f32::from(weights[r][c]))
                            .sum::<f32>();
                    assert!(
                        (got - want).abs() <= 1e-3 * want.abs().max(1.0),
                        "{n_rows} rows, class {c}"
                    );
                }
            }
        }
    }

    #[test]
    fn broken_files_are_errors_not_panics() {
        let bytes = IntentModel::train(&set(), Settings::default()).to_bytes();
        assert!(matches!(
            IntentModel::from_bytes(b"hello"),
            Err(ModelError::Truncated)
        ));
        assert!(matches!(
            IntentModel::from_bytes(b"NOTMODEL...."),
            Err(ModelError::Magic)
        ));
        for cut in [9, 20, bytes.len() / 2, bytes.len() - 1] {
            assert!(
                IntentModel::from_bytes(&bytes[..cut]).is_err(),
                "cut at {cut}"
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(IntentModel::from_bytes(&longer).is_err());
    }
}
