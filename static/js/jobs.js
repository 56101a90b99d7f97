// Keep a job's progress page current without a reload: ask for its counts every second
// until it finishes or fails (a failed job's retry button needs a fresh page, so reload then).
const box = document.getElementById("job-progress");
const LABELS = {
  queued: "Waiting for a worker",
  running: "In progress",
  finished: "Finished",
  failed: "Stopped by an error",
};

function show(job) {
  const field = (name) => box.querySelector(`[data-field="${name}"]`);
  field("status").textContent = LABELS[job.status];
  field("done").textContent = job.done;
  field("total").textContent = job.total || job.finished ? job.total : "(counting)";
  field("errors").textContent = job.errors;
  const bar = box.querySelector("progress");
  bar.max = Math.max(job.total, 1);
  bar.value = job.done + job.errors;
  bar.textContent = `${job.done} of ${job.total}`;
  if (job.status === "finished") field("message").textContent = "Finished.";
}

async function poll() {
  const response = await fetch(box.dataset.url, { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  const job = await response.json();
  show(job);
  if (job.status === "failed") window.location.reload();
  else if (job.status !== "finished") setTimeout(poll, 1000);
}

if (box && (box.dataset.status === "queued" || box.dataset.status === "running")) {
  setTimeout(poll, 1000);
}
