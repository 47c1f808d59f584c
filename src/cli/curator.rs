//! `netral review` and `netral stats`: the curators' view of the store (`NETRAL_DB`).

use crate::store::{self, Location, Store, review, stats};
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ReviewArgs {
    #[command(subcommand)]
    pub command: Option<ReviewCommand>,
    /// Write the questions as a labelling file in the eval/dev.tsv format (question TAB
    /// suggested id) instead of the grouped list.
    #[arg(long)]
    pub tsv: bool,
    /// Only questions declined within this period (e.g. 30d, 12h, 2w, or all).
    #[arg(long, default_value = "all", value_parser = store::parse_period, value_name = "PERIOD")]
    pub since: i64,
    /// Also list questions declined on purpose as out of scope.
    #[arg(long)]
    pub out_of_scope: bool,
    /// Show at most this many groups (the largest).
    #[arg(long, default_value_t = 30)]
    pub limit: usize,
}

#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// Delete recorded questions, feedback and counts older than a period.
    Purge(PurgeArgs),
}

#[derive(Debug, Args)]
pub struct PurgeArgs {
    /// Age of the oldest rows to keep, e.g. 90d.
    #[arg(long, value_parser = store::parse_period, value_name = "PERIOD")]
    pub older_than: i64,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// The period to count, ending now (e.g. 30d, 12h, 2w, or all).
    #[arg(long, default_value = "30d", value_parser = store::parse_period, value_name = "PERIOD")]
    pub since: i64,
    /// Show at most this many topics.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Print the figures as JSON.
    #[arg(long)]
    pub json: bool,
}

/// The database file the curator commands read.
fn db_path() -> anyhow::Result<PathBuf> {
    match Location::from_env() {
        Location::File(p) => Ok(p),
        Location::Off => anyhow::bail!(
            "recording is off ({}=off): nothing to show; set {} to the store's file",
            store::DB_ENV,
            store::DB_ENV
        ),
        Location::Unknown => anyhow::bail!(
            "no data directory on this system; set {} to the store's file",
            store::DB_ENV
        ),
        Location::Unsupported(_) => {
            anyhow::bail!("{}", Location::from_env().problem().unwrap_or_default())
        }
    }
}

fn period_label(since: i64, secs: i64) -> String {
    if secs == i64::MAX {
        "since the store was created".to_string()
    } else {
        format!("since {} (UTC)", store::day(since))
    }
}

pub fn review(knowledge: Option<&Path>, args: ReviewArgs) -> anyhow::Result<ExitCode> {
    let path = db_path()?;
    if let Some(ReviewCommand::Purge(p)) = args.command {
        let mut db = Store::open_existing(&path)?;
        let before = store::since(p.older_than);
        let n = db.purge(before)?;
        println!(
            "Deleted from {}, everything before {} (UTC): {} declined question(s), {} 👍/👎, {} daily answer count(s), {} daily asker count(s).",
            path.display(),
            store::day(before),
            n.declined,
            n.feedback,
            n.answer_days,
            n.asker_days
        );
        return Ok(ExitCode::SUCCESS);
    }
    let db = Store::open_existing(&path)?;
    let since = store::since(args.since);
    let rows = db.declined(since, args.out_of_scope)?;
    let engine = super::load_engine(knowledge)?;
    let groups = review::group(&engine, &rows);
    let period = period_label(since, args.since);
    if args.tsv {
        print!("{}", review::tsv(&groups, &period));
    } else {
        print!("{}", review::render(&groups, &period, args.limit));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn stats(args: StatsArgs) -> anyhow::Result<ExitCode> {
    let path = db_path()?;
    let db = Store::open_existing(&path)?;
    let s = stats::collect(&db, store::since(args.since))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&s)?);
    } else {
        print!("{}", stats::render(&s, args.top));
    }
    Ok(ExitCode::SUCCESS)
}
