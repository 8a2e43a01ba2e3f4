"""The approval chain's rules as services: routing, who may decide, the records of each
decision, the rejection notice, exports, filing and deadlines. The flow that strings them
together is `workflows.invoice_approval`."""
