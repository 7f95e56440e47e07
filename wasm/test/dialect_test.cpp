#include <catch2/catch.hpp>

#include "lunora/dialect/dialect.hpp"

using lunora::ErrorCode;
using lunora::find_dialect;
using lunora::mysql_dialect;
using lunora::postgres_dialect;

TEST_CASE("placeholders follow each engine's positional syntax") {
  CHECK(postgres_dialect().placeholder(1) == "$1");
  CHECK(postgres_dialect().placeholder(12) == "$12");
  CHECK(mysql_dialect().placeholder(1) == "?");
  CHECK(mysql_dialect().placeholder(12) == "?");
}

TEST_CASE("identifiers are validated, then quoted per engine") {
  CHECK(*postgres_dialect().quote_identifier("orders") == "\"orders\"");
  CHECK(*mysql_dialect().quote_identifier("orders") == "`orders`");
  CHECK(*postgres_dialect().quote_identifier("_creationTime") == "\"_creationTime\"");
  CHECK(*mysql_dialect().quote_identifier("Order_2") == "`Order_2`");
}

TEST_CASE("hostile identifiers are refused with a precise message") {
  struct Case {
    const char* name;
    const char* message;
  };
  const Case cases[] = {
      {"", "identifier must not be empty"},
      {"1abc", "identifier \"1abc\" must start with a letter or '_'"},
      {"a\"b", "identifier \"a\"b\" may contain only letters, digits and '_'"},
      {"a`b", "identifier \"a`b\" may contain only letters, digits and '_'"},
      {"x; DROP TABLE t;--", "identifier \"x; DROP TABLE t;--\" may contain only letters, digits and '_'"},
      {"caf\xc3\xa9", "identifier \"caf\\xc3\\xa9\" may contain only letters, digits and '_'"},
  };
  for (const auto& c : cases) {
    for (const auto* dialect : {&postgres_dialect(), &mysql_dialect()}) {
      INFO(dialect->name() << ": " << c.name);
      auto quoted = dialect->quote_identifier(c.name);
      REQUIRE_FALSE(quoted.ok());
      CHECK(quoted.status().code() == ErrorCode::invalid_identifier);
      CHECK(quoted.status().message() == c.message);
    }
  }
}

TEST_CASE("a NUL byte inside an identifier is refused, not truncated") {
  const std::string with_nul("ab\0cd", 5);
  auto quoted = postgres_dialect().quote_identifier(with_nul);
  REQUIRE_FALSE(quoted.ok());
  CHECK(quoted.status().message() == "identifier \"ab\\x00cd\" may contain only letters, digits and '_'");
}

TEST_CASE("identifier length limits are the engines' own") {
  const std::string pg_max(63, 'a');
  const std::string my_max(64, 'a');
  CHECK(postgres_dialect().quote_identifier(pg_max).ok());
  CHECK(mysql_dialect().quote_identifier(my_max).ok());
  auto too_long = postgres_dialect().quote_identifier(my_max);
  REQUIRE_FALSE(too_long.ok());
  CHECK(too_long.status().message() ==
        "identifier \"" + my_max + "\" is 64 bytes; the limit is 63");
  CHECK_FALSE(mysql_dialect().quote_identifier(std::string(65, 'a')).ok());
}

TEST_CASE("a huge identifier is refused and only a prefix is echoed") {
  const std::string huge(100000, 'z');
  auto quoted = mysql_dialect().quote_identifier(huge);
  REQUIRE_FALSE(quoted.ok());
  CHECK(quoted.status().message().size() < 200);
}

TEST_CASE("capability flags describe what the store may rely on") {
  const auto& pg = postgres_dialect().capabilities();
  const auto& my = mysql_dialect().capabilities();
  CHECK(pg.data_modifying_ctes);
  CHECK(pg.float_nan_infinity);
  CHECK(pg.max_identifier_bytes == 63);
  CHECK_FALSE(my.data_modifying_ctes);
  CHECK_FALSE(my.float_nan_infinity);
  CHECK_FALSE(my.prepared_statements);
  CHECK(my.max_identifier_bytes == 64);
  const auto& lite = lunora::sqlite_dialect().capabilities();
  CHECK_FALSE(lite.data_modifying_ctes);
  CHECK_FALSE(lite.float_nan_infinity);  // NaN becomes NULL; D1 sends +-Infinity as NULL, -0 as 0
  CHECK(lite.strings_hold_nul);
  CHECK(lite.transactional_ddl);
  CHECK(lite.max_params_per_statement == 100);
  CHECK(pg.max_params_per_statement == 65535);
  // Only Postgres answers an UPDATE with the row as it was (UPDATE ... FROM a locked read).
  CHECK(pg.update_returns_old_row);
  CHECK_FALSE(my.update_returns_old_row);
  CHECK_FALSE(lite.update_returns_old_row);
}

TEST_CASE("the engine kind, not the placeholder style, tells SQLite from MySQL") {
  using lunora::Engine;
  CHECK(postgres_dialect().engine() == Engine::postgres);
  CHECK(mysql_dialect().engine() == Engine::mysql);
  CHECK(lunora::sqlite_dialect().engine() == Engine::sqlite);
  CHECK(lunora::sqlite_dialect().placeholder(3) == "?");
  CHECK(*lunora::sqlite_dialect().quote_identifier("orders") == "\"orders\"");
}

TEST_CASE("dialects are found by name and aliases") {
  CHECK((*find_dialect("postgres"))->name() == "postgres");
  CHECK((*find_dialect("postgresql"))->name() == "postgres");
  CHECK((*find_dialect("mysql"))->name() == "mysql");
  CHECK((*find_dialect("mariadb"))->name() == "mysql");
  CHECK((*find_dialect("sqlite"))->name() == "sqlite");
  CHECK((*find_dialect("d1"))->engine() == lunora::Engine::sqlite);
  auto unknown = find_dialect("oracle");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().code() == ErrorCode::unknown_dialect);
  CHECK(unknown.status().message() == "unknown SQL dialect \"oracle\"; expected \"postgres\", \"mysql\" or \"sqlite\"");
}

TEST_CASE("Postgres text cannot hold U+0000; MySQL's can") {
  CHECK_FALSE(postgres_dialect().capabilities().strings_hold_nul);
  CHECK(mysql_dialect().capabilities().strings_hold_nul);
}
