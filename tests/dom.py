"""A small DOM for reading a page as its reader does, on Django's own HTML parser.

page = dom(response)
page.find_all("sup", class_="footnote")
page.by_id("passage-3").text
"""

from django.test.html import Element, parse_html


class Node:
    def __init__(self, element):
        self.element = element

    @property
    def name(self):
        return self.element.name

    def attr(self, name, default=None):
        return dict(self.element.attributes).get(name, default)

    def has(self, name):
        """Whether the element carries the attribute, with a value or none (`selected`)."""
        return any(key == name for key, _ in self.element.attributes)

    @property
    def classes(self):
        return (self.attr("class") or "").split()

    @property
    def text(self):
        """The text inside, with white space collapsed."""
        return self.text_without()

    def text_without(self, class_=None):
        """The text inside, less that of the elements of this class ("footnote": the markers)."""
        parts = []

        def walk(element):
            for child in element.children:
                if isinstance(child, Element):
                    if class_ is None or class_ not in Node(child).classes:
                        walk(child)
                else:
                    parts.append(child)

        walk(self.element)
        return " ".join(" ".join(parts).split())

    def find_all(self, name=None, class_=None, **attributes):
        found = []

        def walk(element):
            for child in element.children:
                if not isinstance(child, Element):
                    continue
                node = Node(child)
                if (
                    (name is None or child.name == name)
                    and (class_ is None or class_ in node.classes)
                    and all(
                        node.attr(key.rstrip("_").replace("_", "-")) == value
                        for key, value in attributes.items()
                    )
                ):
                    found.append(node)
                walk(child)

        walk(self.element)
        return found

    def find(self, name=None, class_=None, **attributes):
        found = self.find_all(name, class_, **attributes)
        return found[0] if found else None

    def by_id(self, id):
        """The element of this id inside (an index of the ids, made on first use)."""
        if not hasattr(self, "_ids"):
            self._ids = {}
            for node in self.find_all():
                self._ids.setdefault(node.attr("id"), node)
        return self._ids.get(id)

    def __repr__(self):
        return f"<{self.name} {self.text[:60]!r}>"


def dom(response):
    """The page of a response (or an HTML string) as a Node."""
    html = response if isinstance(response, str) else response.content.decode()
    return Node(parse_html(html))


def records_listed(response):
    """The addresses of the records a list page shows, in its order: the initiatives' results,
    another kind's rows, or the statistics' table."""
    page = dom(response)
    results = page.find("ol", class_="result-list")
    if results:
        return [row.find("h3").find("a").attr("href") for row in results.find_all("li", class_="result")]
    rows = page.find("ul", class_="record-list")
    if rows:
        return [row.find("a").attr("href") for row in rows.find_all("li")]
    table = page.find("table", class_="statistics")
    return [row.find("a").attr("href") for row in table.find_all("th", scope="row")] if table else []
