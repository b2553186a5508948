/*
 * config.h: the YAML configuration (funds, donors, currencies, ledger settings).
 *
 * Loading is strict and all-or-nothing: an unknown or duplicate key, a wrong type, a missing
 * field, a YAML alias, anchor or tag, or a bad code fails with FL_ECONFIG and a message
 * "FILE:LINE:COLUMN: ...", and nothing is returned. Schemas are in docs/CONFIG.md.
 */
#ifndef FUNDLEDGER_CONFIG_H
#define FUNDLEDGER_CONFIG_H

#include <stddef.h>
#include "error.h"
#include "date.h"
#include "note.h"

/* Codes of funds and donors: [A-Z0-9][A-Z0-9-]*, 2 to FL_CODE_MAX characters. */
#define FL_CODE_MAX 32
/* ISO 4217 alphabetic code length. */
#define FL_CURRENCY_LEN 3

typedef enum {
	FL_DONOR_MEMBER_STATE = 1,
	FL_DONOR_OBSERVER_STATE,
	FL_DONOR_INTERGOVERNMENTAL,
	FL_DONOR_FOUNDATION,
	FL_DONOR_PRIVATE,
	FL_DONOR_INDIVIDUAL
} fl_donor_kind;

/* UN regional groups; FL_GROUP_NONE for donors outside them (e.g. the Holy See). */
typedef enum {
	FL_GROUP_NONE = 0,
	FL_GROUP_AFRICAN,
	FL_GROUP_ASIA_PACIFIC,
	FL_GROUP_EASTERN_EUROPEAN,
	FL_GROUP_LATIN_AMERICAN_CARIBBEAN,
	FL_GROUP_WEOG
} fl_group;

typedef struct {
	char code[FL_CODE_MAX + 1];
	char *name;            /* official name */
	char **established_by; /* resolutions and decisions, in the order given */
	size_t n_established_by;
	char currency[FL_CURRENCY_LEN + 1]; /* currency of account */
	size_t listed;         /* its place in funds.yaml (0 first): the order reports use */
	char iati_start[FL_DATE_LEN + 1]; /* IATI activity start, "" without an iati block */
} fl_fund;

typedef struct {
	char code[FL_CODE_MAX + 1]; /* ISO 3166-1 alpha-3 for States */
	char *name;                 /* UN short name for States */
	fl_donor_kind kind;
	fl_group group;
	char *iati_ref;             /* IATI organisation identifier, or NULL (docs/IATI.md) */
} fl_donor;

typedef struct {
	char code[FL_CURRENCY_LEN + 1];
	char *name;
	unsigned minor_units; /* 0 to FL_MINOR_UNITS_MAX */
} fl_currency;

/* IATI organisation identifiers: 1 to FL_IATI_REF_MAX characters from A-Z a-z 0-9 . _ - */
#define FL_IATI_REF_MAX 64

/* The `iati:` block of the main file: what an IATI export needs that the ledger cannot give
 * (docs/IATI.md). Each fund's activity start date is in its fl_fund.iati_start. */
typedef struct {
	char *ref;       /* reporting-org/@ref, the reporting organisation's identifier */
	char type[3];    /* reporting-org/@type, an IATI OrganisationType code ("40") */
	char *name;      /* reporting-org/narrative */
	char lang[3];    /* xml:lang of the activities, ISO 639-1 ("en" by default) */
	char status[2];  /* activity-status/@code, IATI ActivityStatus 1 to 6 ("2" by default) */
} fl_iati_config;

/* What an authorised key may do: sign checkpoints, or cosign them. */
typedef enum { FL_ROLE_TREASURER = 1, FL_ROLE_AUDITOR = 2 } fl_key_role;

/*
 * A loaded configuration. Arrays are sorted by code. Everything is owned by the fl_config and
 * lives until fl_config_free.
 */
typedef struct {
	char *path;        /* the main file, as given */
	char *ledger;      /* default ledger path (relative to the working directory) */
	char *origin;      /* ledger origin, used in checkpoints */
	char *recorded_by; /* default name of the person recording, or NULL */
	fl_fund *funds;
	size_t n_funds;
	fl_donor *donors;
	size_t n_donors;
	fl_currency *currencies;
	size_t n_currencies;
	/* Authorised verifier keys: treasurers sign checkpoints with Ed25519 note keys (type
	 * 0x01), auditors cosign them with tlog-cosignature keys (type 0x04). */
	fl_vkey *keys;
	fl_key_role *key_roles; /* key_roles[i] is the role of keys[i] */
	size_t n_keys;
	fl_iati_config *iati;   /* the iati block, or NULL when the main file has none */
} fl_config;

/*
 * Loads the main configuration file at `path` and the files it names (paths relative to the
 * main file's directory). On success *out owns a new fl_config. 0, FL_ECONFIG, FL_EIO or
 * FL_ENOMEM.
 */
int fl_config_load(fl_config **out, const char *path) FL_WARN_UNUSED;

/* Frees a configuration; accepts NULL. */
void fl_config_free(fl_config *cfg);

/* Look-ups by exact code; NULL when absent. The result is borrowed from cfg. */
const fl_fund *fl_config_fund(const fl_config *cfg, const char *code);
const fl_donor *fl_config_donor(const fl_config *cfg, const char *code);
const fl_currency *fl_config_currency(const fl_config *cfg, const char *code);

/* The authorised key with this public key and type, or NULL; *role receives its role. */
const fl_vkey *fl_config_key(const fl_config *cfg, unsigned char type,
			     const unsigned char pub[FL_ED25519_PUB_LEN], fl_key_role *role);

/* "treasurer" or "auditor". */
const char *fl_role_name(fl_key_role role);

/* "member_state", ... and "African", ... ("" for FL_GROUP_NONE). */
const char *fl_donor_kind_name(fl_donor_kind kind);
const char *fl_group_name(fl_group group);

/*
 * The Board's narrative for an annual report (docs/REPORT.md, "Narrative file"): free text
 * the Board writes, in a YAML file. Texts are UTF-8 without control characters other than
 * line feeds; a blank line separates paragraphs. Optional parts are NULL or empty.
 */
typedef struct {
	char *name;
	char *group;  /* regional group, or NULL */
	char *role;   /* e.g. "Chair", or NULL */
} fl_narrative_member;

typedef struct {
	char *title;  /* e.g. "Sixty-first session" */
	char *dates;  /* as the Board writes them */
	char *place;  /* or NULL */
	char *summary; /* or NULL */
} fl_narrative_session;

typedef struct {
	char *path;
	int year;                    /* the year the narrative is for */
	unsigned session;            /* the Council session; 0 when not given */
	char *introduction;          /* or NULL */
	fl_narrative_member *members;
	size_t n_members;
	fl_narrative_session *sessions;
	size_t n_sessions;
	char **findings;
	size_t n_findings;
	char **recommendations;
	size_t n_recommendations;
} fl_narrative;

/*
 * Loads a narrative file. Strict like the configuration: unknown or duplicate keys, wrong
 * types, missing fields, aliases and tags fail with FL_ECONFIG and "FILE:LINE:COLUMN: ...".
 * *out owns a new narrative. 0, FL_ECONFIG, FL_EIO or FL_ENOMEM.
 */
int fl_narrative_load(fl_narrative **out, const char *path) FL_WARN_UNUSED;
void fl_narrative_free(fl_narrative *n);

/* 0 when s is a valid fund or donor code, else FL_EINVALID. */
int fl_code_check(const char *s, size_t len) FL_WARN_UNUSED;

#endif
