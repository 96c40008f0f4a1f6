-- A SQLite store made by spamscore 0.1.0 (commit 878d062: metadata.create_all, no migrations),
-- with one stored report and one waiting test: `sqlite3 reports.sqlite3 .dump`.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE reports (
	id VARCHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	expires_at DATETIME NOT NULL, 
	source VARCHAR(16) NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	raw BLOB NOT NULL, 
	options TEXT NOT NULL, 
	report TEXT, 
	error TEXT, 
	score FLOAT, 
	PRIMARY KEY (id)
);
INSERT INTO reports VALUES('aucG3DJLfjLFQA14RW3gVQ','2026-12-07 00:00:41.035466','2126-11-13 00:00:41.035466','api','done',X'5375626a6563743a2068656c6c6f2066726f6d20302e312e300d0a46726f6d3a2061406578616d706c652e636f6d0d0a0d0a626f64790d0a','{"offline": true}','{"version":1,"score":1.5,"threshold":5.0,"is_spam":false,"findings":[]}',NULL,1.5);
CREATE TABLE tests (
	id VARCHAR(32) NOT NULL, 
	domain VARCHAR(255) NOT NULL, 
	created_at DATETIME NOT NULL, 
	accepts_until DATETIME NOT NULL, 
	expires_at DATETIME NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	report_id VARCHAR(32), 
	received_at DATETIME, 
	PRIMARY KEY (id)
);
INSERT INTO tests VALUES('j7hdo7zzi5x4gme65nkmqjwlhi','localhost','2026-12-07 00:00:41.114775','2126-11-13 00:00:41.114775','2126-11-13 00:00:41.114775','waiting',NULL,NULL);
CREATE INDEX ix_reports_expires_at ON reports (expires_at);
CREATE INDEX ix_tests_expires_at ON tests (expires_at);
COMMIT;
