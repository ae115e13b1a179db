console.error('jpp-adapter: not yet'); process.exit(2);
