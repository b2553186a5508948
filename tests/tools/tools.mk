# tests/tools/tools.mk: programs the CLI tests run, built into $(BUILD)/tests/tools/ (not named
# test_*: tests/run.sh runs those as unit tests). Included by the Makefile; `make test` and
# `make sanitize` build them with the flags of everything else.
#   writer   many signed batches from one process (test_concurrency.sh, test_backup.sh)
TEST_TOOLS = $(BUILD)/tests/tools/writer

$(BUILD)/tests/tools/%: tests/tools/%.c $(LIB) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(PKG_LIBS)

test check: $(TEST_TOOLS)
-include $(TEST_TOOLS:=.d)
