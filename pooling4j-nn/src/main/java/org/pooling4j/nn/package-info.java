/**
 * Pooling inside networks: layers with forward, backward and a training/evaluation mode, a
 * sequential container, softmax cross-entropy, optimisers and model files.
 */
package org.pooling4j.nn;
