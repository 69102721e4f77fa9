/**
 * Datasets for training and testing networks without downloads: {@link org.pooling4j.nn.data.Dataset}
 * (labelled single-channel images), {@link org.pooling4j.nn.data.DigitGenerator} (procedurally drawn
 * 28x28 digits laid out like MNIST), and readers for the IDX files MNIST is distributed in
 * ({@link org.pooling4j.nn.data.Idx}, {@link org.pooling4j.nn.data.Mnist}).
 */
package org.pooling4j.nn.data;
