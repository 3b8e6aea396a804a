// What a rendered Markdown report shows, read from the DOM (tests/cli/ci_formats.sh):
// the order of the top-level blocks, headings, folded sections, tables (cells
// as text) and whether any markup from the data reached the page.
(function () {
  const c = document.getElementById("content");
  const text = (e) => e.textContent.trim();
  const facts = {
    order: [...c.children].map((e) => e.tagName),
    h3: [...c.querySelectorAll("h3")].map(text),
    h4: [...c.querySelectorAll("h4")].map(text),
    details: [...c.querySelectorAll("details")].map((d) => ({
      open: d.open,
      summary: text(d.querySelector("summary")),
    })),
    tables: [...c.querySelectorAll("table")].map((t) => ({
      head: [...t.querySelectorAll("thead th")].map(text),
      rows: [...t.querySelectorAll("tbody tr")].map((r) => [...r.children].map(text)),
    })),
    markup: c.querySelectorAll("script, i, b, img, iframe, style").length,
  };
  document.getElementById("facts").textContent = JSON.stringify(facts);
})();
