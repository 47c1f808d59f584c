//! Training a multinomial logistic regression on sparse rows: the learning behind `netral kb
//! train` (the intent classifier) and `netral kb calibrate` (the confidence model).
//!
//! Minimises Σᵢ sᵢ·(−log p(yᵢ | xᵢ)) + ‖W‖² / (2C) with L-BFGS and a backtracking (Armijo)
//! line search, in f64, looping in a fixed order: the same rows give the same weights, bit for
//! bit, so a rebuilt model file has the same bytes. Hand-written because the maintained Rust
//! learners (linfa-logistic, smartcore) take dense matrices: ours are ~2,000 × ~60,000 with a
//! few hundred non-zeros a row, where a dense pass costs a thousand times the sparse one.
//! Pure: no I/O, not on the answering path.

/// One training row: sparse features `(column, value)`, the class, and its weight.
#[derive(Debug, Clone)]
pub struct Row {
    pub features: Vec<(u32, f32)>,
    pub class: usize,
    pub weight: f64,
}

/// Settings of a training run.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Inverse regularisation strength (scikit-learn's `C`).
    pub c: f64,
    /// At most this many L-BFGS iterations.
    pub max_iter: usize,
    /// Stop when the gradient's largest component falls below this.
    pub tol: f64,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            c: 10.0,
            max_iter: 300,
            tol: 1e-4,
        }
    }
}

/// A trained linear model: `weights[column * classes + class]`, and one bias per class.
#[derive(Debug, Clone, PartialEq)]
pub struct Linear {
    pub columns: usize,
    pub classes: usize,
    pub weights: Vec<f64>,
    pub bias: Vec<f64>,
    /// Iterations run, and the final objective (for reports and tests).
    pub iterations: usize,
    pub objective: f64,
}

impl Linear {
    /// Class probabilities for one row.
    pub fn probabilities(&self, features: &[(u32, f32)]) -> Vec<f64> {
        let mut z = self.bias.clone();
        for &(col, v) in features {
            let w = &self.weights[col as usize * self.classes..][..self.classes];
            for (zk, wk) in z.iter_mut().zip(w) {
                *zk += f64::from(v) * wk;
            }
        }
        softmax(&mut z);
        z
    }
}

/// Softmax in place, stable for large logits.
pub fn softmax(z: &mut [f64]) {
    let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut sum = 0.0;
    for v in z.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    for v in z.iter_mut() {
        *v /= sum;
    }
}

/// The objective and its gradient at `x` = weights followed by biases.
fn objective(
    rows: &[Row],
    columns: usize,
    classes: usize,
    c: f64,
    x: &[f64],
    g: &mut [f64],
) -> f64 {
    let (w, b) = x.split_at(columns * classes);
    g.iter_mut().for_each(|v| *v = 0.0);
    let mut f = 0.0;
    let mut z = vec![0.0f64; classes];
    for row in rows {
        z.copy_from_slice(b);
        for &(col, v) in &row.features {
            let wc = &w[col as usize * classes..][..classes];
            for (zk, wk) in z.iter_mut().zip(wc) {
                *zk += f64::from(v) * wk;
            }
        }
        let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let sum: f64 = z.iter().map(|v| (v - max).exp()).sum();
        let log_norm = max + sum.ln();
        f += row.weight * (log_norm - z[row.class]);
        for (k, zk) in z.iter_mut().enumerate() {
            let p = (*zk - log_norm).exp();
            *zk = row.weight * (p - if k == row.class { 1.0 } else { 0.0 });
        }
        let (gw, gb) = g.split_at_mut(columns * classes);
        for &(col, v) in &row.features {
            let gc = &mut gw[col as usize * classes..][..classes];
            for (gk, dk) in gc.iter_mut().zip(&z) {
                *gk += f64::from(v) * dk;
            }
        }
        for (gk, dk) in gb.iter_mut().zip(&z) {
            *gk += dk;
        }
    }
    let reg = 1.0 / c;
    for (gi, wi) in g.iter_mut().zip(w) {
        *gi += reg * wi;
    }
    f + 0.5 * reg * w.iter().map(|v| v * v).sum::<f64>()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Trains on `rows` with `columns` feature columns and `classes` classes.
pub fn train(rows: &[Row], columns: usize, classes: usize, s: Settings) -> Linear {
    const MEMORY: usize = 10;
    let n = columns * classes + classes;
    let mut x = vec![0.0f64; n];
    if s.max_iter == 0 {
        let bias = x.split_off(columns * classes);
        return Linear {
            columns,
            classes,
            weights: x,
            bias,
            iterations: 0,
            objective: f64::NAN,
        };
    }
    let mut g = vec![0.0f64; n];
    let mut f = objective(rows, columns, classes, s.c, &x, &mut g);
    let mut hist: std::collections::VecDeque<(Vec<f64>, Vec<f64>, f64)> =
        std::collections::VecDeque::new();
    let mut iterations = 0;
    let mut x_new = vec![0.0f64; n];
    let mut g_new = vec![0.0f64; n];
    while iterations < s.max_iter {
        if g.iter().fold(0.0f64, |m, v| m.max(v.abs())) < s.tol {
            break;
        }
        iterations += 1;
        // Two-loop recursion: d = −H·g.
        let mut d: Vec<f64> = g.iter().map(|v| -v).collect();
        let mut alphas = Vec::with_capacity(hist.len());
        for (sv, yv, rho) in hist.iter().rev() {
            let a = rho * dot(sv, &d);
            d.iter_mut().zip(yv).for_each(|(di, yi)| *di -= a * yi);
            alphas.push(a);
        }
        let gamma = match hist.back() {
            Some((sv, yv, _)) => dot(sv, yv) / dot(yv, yv),
            None => 1.0 / dot(&g, &g).sqrt().max(1e-12),
        };
        d.iter_mut().for_each(|di| *di *= gamma);
        for ((sv, yv, rho), a) in hist.iter().zip(alphas.iter().rev()) {
            let bcoef = rho * dot(yv, &d);
            d.iter_mut()
                .zip(sv)
                .for_each(|(di, si)| *di += (a - bcoef) * si);
        }
        let mut slope = dot(&g, &d);
        if slope >= 0.0 {
            // Not a descent direction (numerical trouble): restart from steepest descent.
            hist.clear();
            let scale = 1.0 / dot(&g, &g).sqrt().max(1e-12);
            d = g.iter().map(|v| -v * scale).collect();
            slope = dot(&g, &d);
        }
        // Backtracking line search with the Armijo condition.
        let mut step = 1.0;
        let mut accepted = false;
        for _ in 0..40 {
            x_new
                .iter_mut()
                .zip(&x)
                .zip(&d)
                .for_each(|((xn, xi), di)| *xn = xi + step * di);
            let f_new = objective(rows, columns, classes, s.c, &x_new, &mut g_new);
            if f_new <= f + 1e-4 * step * slope {
                let sv: Vec<f64> = x_new.iter().zip(&x).map(|(a, b)| a - b).collect();
                let yv: Vec<f64> = g_new.iter().zip(&g).map(|(a, b)| a - b).collect();
                let sy = dot(&sv, &yv);
                if sy > 1e-12 {
                    if hist.len() == MEMORY {
                        hist.pop_front();
                    }
                    hist.push_back((sv, yv, 1.0 / sy));
                }
                std::mem::swap(&mut x, &mut x_new);
                std::mem::swap(&mut g, &mut g_new);
                let converged = (f - f_new).abs() <= 1e-10 * f.abs().max(1.0);
                f = f_new;
                accepted = true;
                if converged {
                    iterations = s.max_iter;
                }
                break;
            }
            step *= 0.5;
        }
        if !accepted {
            break;
        }
    }
    let bias = x.split_off(columns * classes);
    Linear {
        columns,
        classes,
        weights: x,
        bias,
        iterations,
        objective: f,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(features: &[(u32, f32)], class: usize) -> Row {
        Row {
            features: features.to_vec(),
            class,
            weight: 1.0,
        }
    }

    fn toy() -> Vec<Row> {
        // Three classes, each marked by its own column, sharing a noisy column 3.
        let mut rows = Vec::new();
        for i in 0..30u32 {
            let class = (i % 3) as usize;
            rows.push(row(
                &[(class as u32, 1.0), (3, (i % 5) as f32 * 0.1)],
                class,
            ));
        }
        rows
    }

    #[test]
    fn learns_separable_classes() {
        let m = train(&toy(), 4, 3, Settings::default());
        for class in 0..3u32 {
            let p = m.probabilities(&[(class, 1.0)]);
            let best = (0..3).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap();
            assert_eq!(best, class as usize, "{p:?}");
            assert!(p[class as usize] > 0.8, "{p:?}");
        }
    }

    #[test]
    fn the_gradient_matches_finite_differences() {
        let rows = toy();
        let n = 4 * 3 + 3;
        let x: Vec<f64> = (0..n).map(|i| ((i * 7 % 11) as f64 - 5.0) * 0.1).collect();
        let mut g = vec![0.0; n];
        objective(&rows, 4, 3, 2.0, &x, &mut g);
        let mut scratch = vec![0.0; n];
        for i in 0..n {
            let (mut up, mut down) = (x.clone(), x.clone());
            up[i] += 1e-5;
            down[i] -= 1e-5;
            let num = (objective(&rows, 4, 3, 2.0, &up, &mut scratch)
                - objective(&rows, 4, 3, 2.0, &down, &mut scratch))
                / 2e-5;
            assert!(
                (num - g[i]).abs() < 1e-4,
                "component {i}: {num} vs {}",
                g[i]
            );
        }
    }

    #[test]
    fn training_is_deterministic_and_regularisation_shrinks_weights() {
        let a = train(&toy(), 4, 3, Settings::default());
        let b = train(&toy(), 4, 3, Settings::default());
        assert_eq!(a, b);
        let strong = train(
            &toy(),
            4,
            3,
            Settings {
                c: 0.01,
                ..Settings::default()
            },
        );
        let norm = |m: &Linear| m.weights.iter().map(|v| v * v).sum::<f64>();
        assert!(norm(&strong) < norm(&a) / 10.0);
    }

    #[test]
    fn row_weights_count() {
        // The same feature labelled both ways: the heavier label wins.
        let mut rows = vec![row(&[(0, 1.0)], 0), row(&[(0, 1.0)], 1)];
        rows[1].weight = 3.0;
        let m = train(&rows, 1, 2, Settings::default());
        let p = m.probabilities(&[(0, 1.0)]);
        assert!(p[1] > 0.7, "{p:?}");
    }
}
