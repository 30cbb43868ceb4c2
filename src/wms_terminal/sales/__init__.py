"""The sales desk for business customers: quotes, invoices with payment terms, the accounting
journal (docs/b2b.md, docs/accounting.md). Services over the core; documents render the PDFs."""
