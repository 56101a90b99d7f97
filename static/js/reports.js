// Say that generation is under way: the request takes as long as the network is large.
for (const form of document.querySelectorAll("form[data-progress]")) {
  form.addEventListener("submit", () => {
    const status = document.getElementById("report-progress");
    if (status) status.textContent = form.dataset.progress;
    for (const button of form.querySelectorAll("button")) {
      button.setAttribute("aria-disabled", "true");
      button.classList.add("nhsuk-button--disabled");
    }
  });
}
