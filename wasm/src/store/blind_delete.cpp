#include "lunora/store/blind_delete.hpp"

#include "lunora/store/document_id.hpp"

namespace lunora {

const TableSchema* blind_delete_table(const Store& store, std::string_view id) {
  const Engine engine = store.dialect().engine();
  if (!(engine == Engine::postgres || (engine == Engine::mysql && store.engine_options().mariadb_returning))) return nullptr;
  const TableSchema* table = store.table_of_id(id);
  return table != nullptr && is_id_of_table(id, table->name) ? table : nullptr;
}

}  // namespace lunora
