"""Station management: the 六有 checklist and the ledgers (一册两本三簿) generated from the records."""
