// Show-if questions: hide a question while the answer it depends on is not chosen.
// Without JavaScript every question shows, with a hint saying when to answer it; the server
// ignores answers to questions that do not apply.
const conditional = document.querySelectorAll("[data-show-if-question]");

function update() {
  for (const block of conditional) {
    const name = block.dataset.showIfQuestion;
    const wanted = block.dataset.showIfChoices.split(" ");
    const chosen = [...document.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
    block.hidden = !chosen.some((value) => wanted.includes(value));
  }
}

if (conditional.length) {
  document.addEventListener("change", (event) => {
    if (event.target.matches("input")) update();
  });
  update();
}
