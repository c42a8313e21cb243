//! Long-running jobs behind the streaming exports (`ghoidc_fleet_start` / `_next` / `_close`).
//!
//! A job is a [`FleetRun`] in a process-wide map under a `u64` id. `start` validates the
//! request and answers at once; `next` hands out results as they arrive (waiting at most one
//! second), and the run's own failure once every item was handed out; `close` cancels a
//! running job (no request is sent after it, in-flight requests are dropped) and frees it.
//! A completed job keeps its final [`Inventory`] until it is closed: [`with_inventory`] lets
//! other exports (desired state) compute from it. Every export that names a job redacts the
//! secrets of the job's context from its answer (a GitHub error echoed in a failure item).

use crate::contract::{
    EmptyAnswer, FleetCloseRequest, FleetNextAnswer, FleetNextRequest, FleetStartAnswer, FleetStartRequest,
};
use github_oidc_core::fleet::{FleetRun, Inventory};
use github_oidc_core::{Context, Error, Result};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

static JOBS: LazyLock<Mutex<HashMap<u64, Arc<FleetRun>>>> = LazyLock::new(|| Mutex::new(HashMap::new()));
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// The default wait of `ghoidc_fleet_next`.
const DEFAULT_WAIT_MS: u64 = 250;
/// The default batch size of `ghoidc_fleet_next`.
const DEFAULT_MAX_ITEMS: u32 = 100;

fn jobs() -> std::sync::MutexGuard<'static, HashMap<u64, Arc<FleetRun>>> {
    JOBS.lock().unwrap_or_else(|e| e.into_inner())
}

/// The job `id`; the secrets of its context are redacted from the call's answer
/// ([`crate::note_context`]).
fn job(id: u64) -> Result<Arc<FleetRun>> {
    let run = jobs().get(&id).cloned().ok_or_else(|| {
        Error::invalid(format!(
            "There is no job {id}: it was never started, or it was closed."
        ))
    })?;
    crate::note_context(run.context());
    Ok(run)
}

/// `ghoidc_fleet_start`.
pub fn fleet_start(r: FleetStartRequest) -> Result<FleetStartAnswer> {
    let ctx = Context::resolve(&r.context.unwrap_or_default())?;
    crate::note_context(&ctx);
    let run = FleetRun::start(ctx, r.options)?;
    let id = NEXT_ID.fetch_add(1, Ordering::SeqCst);
    jobs().insert(id, Arc::new(run));
    Ok(FleetStartAnswer { job: id })
}

/// `ghoidc_fleet_next`: a run that failed as a whole answers its error (once it handed out
/// every item).
pub fn fleet_next(r: FleetNextRequest) -> Result<FleetNextAnswer> {
    let run = job(r.job)?;
    let wait = Duration::from_millis(r.wait_ms.unwrap_or(DEFAULT_WAIT_MS));
    let batch = run.next(wait, r.max_items.unwrap_or(DEFAULT_MAX_ITEMS) as usize);
    if let Some(e) = batch.error {
        return Err(e);
    }
    Ok(FleetNextAnswer {
        items: batch.items,
        done: batch.done,
        progress: batch.progress,
    })
}

/// `ghoidc_fleet_close`.
pub fn fleet_close(r: FleetCloseRequest) -> Result<EmptyAnswer> {
    let run = jobs().remove(&r.job).ok_or_else(|| {
        Error::invalid(format!(
            "There is no job {}: it was never started, or it was closed.",
            r.job
        ))
    })?;
    run.cancel();
    Ok(EmptyAnswer {})
}

/// Calls `f` with the final inventory of a completed job (for exports that compute from an
/// inventory, e.g. desired state). Unknown job → `InvalidArgument`; a job still running or
/// failed → `InvalidArgument` saying so.
pub fn with_inventory<R>(job_id: u64, f: impl FnOnce(&Inventory) -> R) -> Result<R> {
    job(job_id)?.with_inventory(f)
}
