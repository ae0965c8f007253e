// Loads the Node-API build of the RIO core (built by `npm ci` through node-gyp).
module.exports = require('./build/Release/rio_core.node');
