-- An upload store made by the first release's loaders/store.py (commit dc7e78d), before schema versions:
-- two uploads (5 and 3 figures from tests/store_crash_worker.build_figures, seeds 1 and 2), the second removed.
-- Made with sqlite3's iterdump; tests/test_migrations.py upgrades it.
BEGIN TRANSACTION;
CREATE TABLE upload_events (
	event_id INTEGER NOT NULL, 
	upload_id VARCHAR(32) NOT NULL, 
	event VARCHAR(16) NOT NULL, 
	who TEXT NOT NULL, 
	at DATETIME NOT NULL, 
	detail TEXT NOT NULL, 
	PRIMARY KEY (event_id), 
	CONSTRAINT ck_upload_events_event CHECK (event IN ('saved', 'removed', 'restored')), 
	FOREIGN KEY(upload_id) REFERENCES uploads (upload_id)
);
INSERT INTO "upload_events" VALUES(1,'udfe95d4be3f4','saved','张三','2026-12-06 21:11:53.728270','{"figures": 5, "conflicts_kept_existing": 0, "conflicts_used_new": 0}');
INSERT INTO "upload_events" VALUES(2,'u3687f4d3ffa5','saved','李四','2026-12-06 21:11:53.799448','{"figures": 3, "conflicts_kept_existing": 0, "conflicts_used_new": 0}');
INSERT INTO "upload_events" VALUES(3,'u3687f4d3ffa5','removed','李四','2026-12-06 21:11:53.825682','{}');
CREATE TABLE upload_figures (
	row_id INTEGER NOT NULL, 
	upload_id VARCHAR(32) NOT NULL, 
	figure_id TEXT NOT NULL, 
	fact_id TEXT NOT NULL, 
	source_id TEXT NOT NULL, 
	region_code TEXT NOT NULL, 
	period_start TEXT NOT NULL, 
	period_end TEXT NOT NULL, 
	period_text TEXT NOT NULL, 
	phase TEXT NOT NULL, 
	agency_id TEXT NOT NULL, 
	category TEXT NOT NULL, 
	metric_id TEXT NOT NULL, 
	breakdown TEXT NOT NULL, 
	measure TEXT NOT NULL, 
	value DOUBLE NOT NULL, 
	unit TEXT NOT NULL, 
	qualifier TEXT NOT NULL, 
	direction TEXT NOT NULL, 
	basis TEXT NOT NULL, 
	evidence TEXT NOT NULL, 
	note TEXT NOT NULL, 
	metric_zh TEXT NOT NULL, 
	metric_en TEXT NOT NULL, 
	source_row INTEGER, 
	derived BOOLEAN NOT NULL, 
	formula TEXT NOT NULL, 
	hidden_by VARCHAR(32), 
	PRIMARY KEY (row_id), 
	FOREIGN KEY(upload_id) REFERENCES uploads (upload_id), 
	FOREIGN KEY(hidden_by) REFERENCES uploads (upload_id)
);
INSERT INTO "upload_figures" VALUES(1,'udfe95d4be3f4','udfe95d4be3f4-001','udfe95d4be3f4-001','upload','110000','2024-01-01','2024-12-31','2024年','','public_security','outcome','worker_1_0','','level',473188.6,'cases','exact','','','立案数','','立案数','Cases filed',2,0,'',NULL);
INSERT INTO "upload_figures" VALUES(2,'udfe95d4be3f4','udfe95d4be3f4-002','udfe95d4be3f4-002','upload','110100','2024-01-01','2024-12-31','2024年','','public_security','outcome','worker_1_0','','level',511821.6,'cases','exact','','','立案数','','立案数','Cases filed',2,0,'',NULL);
INSERT INTO "upload_figures" VALUES(3,'udfe95d4be3f4','udfe95d4be3f4-003','udfe95d4be3f4-003','upload','110200','2024-01-01','2024-12-31','2024年','','public_security','outcome','worker_1_0','','level',755167.5,'cases','exact','','','立案数','','立案数','Cases filed',2,0,'',NULL);
INSERT INTO "upload_figures" VALUES(4,'udfe95d4be3f4','udfe95d4be3f4-004','udfe95d4be3f4-004','upload','110300','2024-01-01','2024-12-31','2024年','','public_security','outcome','worker_1_0','','level',950463.6,'cases','exact','','','立案数','','立案数','Cases filed',2,0,'',NULL);
INSERT INTO "upload_figures" VALUES(5,'udfe95d4be3f4','udfe95d4be3f4-005','udfe95d4be3f4-005','upload','110400','2024-01-01','2024-12-31','2024年','','public_security','outcome','worker_1_0','','level',34852.5,'cases','exact','','','立案数','','立案数','Cases filed',2,0,'',NULL);
INSERT INTO "upload_figures" VALUES(6,'u3687f4d3ffa5','u3687f4d3ffa5-001','u3687f4d3ffa5-001','upload','110000','2024-01-01','2024-12-31','2024年','','public_security','outcome','worker_2_0','','level',837575.4,'cases','exact','','','立案数','','立案数','Cases filed',2,0,'',NULL);
INSERT INTO "upload_figures" VALUES(7,'u3687f4d3ffa5','u3687f4d3ffa5-002','u3687f4d3ffa5-002','upload','110100','2024-01-01','2024-12-31','2024年','','public_security','outcome','worker_2_0','','level',261612.1,'cases','exact','','','立案数','','立案数','Cases filed',2,0,'',NULL);
INSERT INTO "upload_figures" VALUES(8,'u3687f4d3ffa5','u3687f4d3ffa5-003','u3687f4d3ffa5-003','upload','110200','2024-01-01','2024-12-31','2024年','','public_security','outcome','worker_2_0','','level',109305.4,'cases','exact','','','立案数','','立案数','Cases filed',2,0,'',NULL);
CREATE TABLE upload_metrics (
	upload_id VARCHAR(32) NOT NULL, 
	metric_id TEXT NOT NULL, 
	label_zh TEXT NOT NULL, 
	label_en TEXT NOT NULL, 
	unit TEXT NOT NULL, 
	category TEXT NOT NULL, 
	details TEXT NOT NULL, 
	PRIMARY KEY (upload_id, metric_id), 
	FOREIGN KEY(upload_id) REFERENCES uploads (upload_id)
);
CREATE TABLE uploads (
	upload_id VARCHAR(32) NOT NULL, 
	sha256 VARCHAR(64) NOT NULL, 
	file_name TEXT NOT NULL, 
	encoding VARCHAR(32), 
	sheet TEXT, 
	row_count INTEGER NOT NULL, 
	figure_count INTEGER NOT NULL, 
	byte_count INTEGER NOT NULL, 
	uploaded_at DATETIME NOT NULL, 
	uploader TEXT NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	removed_at DATETIME, 
	removed_by TEXT, 
	check_status VARCHAR(32) NOT NULL, 
	check_messages TEXT NOT NULL, 
	content BLOB NOT NULL, 
	PRIMARY KEY (upload_id), 
	CONSTRAINT ck_uploads_status CHECK (status IN ('active', 'removed'))
);
INSERT INTO "uploads" VALUES('udfe95d4be3f4','bf41cf94047f1a3443ca654a235bc8f830f7997da9b6f3b2b041a866bc6e3b6f','甲.csv','utf-8',NULL,5,5,10,'2026-12-06 21:11:53.728270','张三','active',NULL,NULL,'accepted','[]',X'66697273742066696C65');
INSERT INTO "uploads" VALUES('u3687f4d3ffa5','54811cbc6c86311729b0a33e26c89087881b36b9ca3217d15cb5196e35f9a7e3','乙.csv','utf-8',NULL,3,3,11,'2026-12-06 21:11:53.799448','李四','removed','2026-12-06 21:11:53.825682','李四','accepted','[]',X'7365636F6E642066696C65');
CREATE UNIQUE INDEX ux_uploads_active_sha256 ON uploads (sha256) WHERE status = 'active';
CREATE INDEX ix_upload_figures_key ON upload_figures (region_code, metric_id, period_end);
CREATE INDEX ix_upload_figures_upload_id ON upload_figures (upload_id);
CREATE INDEX ix_upload_events_upload_id ON upload_events (upload_id);
COMMIT;
