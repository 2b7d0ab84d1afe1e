-- Builds samples/library/catalog.db, the sample database the README queries:
--   rm -f library/catalog.db && sqlite3 library/catalog.db < catalog.sql
PRAGMA journal_mode = DELETE;
PRAGMA page_size = 4096;
CREATE TABLE authors (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  born INTEGER
);
CREATE TABLE books (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  author_id INTEGER NOT NULL REFERENCES authors(id),
  year INTEGER NOT NULL,
  pages INTEGER NOT NULL
);
CREATE INDEX books_by_year ON books(year);
INSERT INTO authors (id, name, born) VALUES
  (1, 'Ada Lovelace', 1815), (2, 'Charles Babbage', 1791), (3, 'Grace Hopper', 1906),
  (4, 'Alan Turing', 1912), (5, 'Edsger Dijkstra', 1930), (6, 'Barbara Liskov', 1939),
  (7, 'Donald Knuth', 1938), (8, 'Frances Allen', 1932), (9, 'Niklaus Wirth', 1934),
  (10, 'Margaret Hamilton', 1936);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
INSERT INTO books (id, title, author_id, year, pages)
SELECT i,
       'Volume ' || i || ': ' ||
         CASE i % 5 WHEN 0 THEN 'On Computable Numbers' WHEN 1 THEN 'Notes on the Engine'
                    WHEN 2 THEN 'Structured Programming' WHEN 3 THEN 'Compilers in Practice'
                    ELSE 'Abstraction and Specification' END,
       1 + (i * i + i / 7) % 10,
       1840 + (i * 37) % 180,
       80 + (i * 53) % 900
FROM n;
CREATE VIRTUAL TABLE book_search USING fts5(title, content='books', content_rowid='id');
INSERT INTO book_search (rowid, title) SELECT id, title FROM books;
VACUUM;
