import { promisifyRequest, type UseStore } from 'idb-keyval';

/**
 * idb-keyval's `createStore`, but a connection that gives way: when another connection asks to
 * delete or upgrade the database (`indexedDB.deleteDatabase` from the page, another tab, a
 * "clear the cache" button), this one closes and the next call opens the database again.
 *
 * idb-keyval keeps its connection open for the page's lifetime and ignores `versionchange`, so
 * such a request stayed blocked until every tab holding the cache was closed, and the cache a
 * user had cleared was still there.
 */
export function openObjectStore(dbName: string, storeName: string): UseStore {
  let connection: Promise<IDBDatabase> | undefined;
  const database = (): Promise<IDBDatabase> => {
    if (connection) return connection;
    const request = indexedDB.open(dbName);
    request.onupgradeneeded = () => request.result.createObjectStore(storeName);
    const opened = promisifyRequest(request);
    connection = opened;
    opened.then(
      (db) => {
        const forget = () => {
          if (connection === opened) connection = undefined;
        };
        // Closed by the browser (storage cleared, disk error): open again next time.
        db.onclose = forget;
        db.onversionchange = () => {
          forget();
          // Waits for running transactions, then lets the deletion or upgrade go ahead.
          db.close();
        };
      },
      () => {
        if (connection === opened) connection = undefined;
      },
    );
    return opened;
  };
  return (mode, callback) => database().then((db) => callback(db.transaction(storeName, mode).objectStore(storeName)));
}
