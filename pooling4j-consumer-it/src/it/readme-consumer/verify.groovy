// The consumer printed the README example's values with the SIMD kernels active.
def log = new File(basedir, 'build.log').getText('UTF-8')
def expected = [
    'Tensor[1, 1, 2, 2] CHANNELS_FIRST\n[[[[ 6.0,  8.0],\n   [14.0, 16.0]]]]',
    'LongTensor[1, 1, 2, 2] CHANNELS_FIRST\n[[[[ 5,  7],\n   [13, 15]]]]',
    'Tensor[1, 1, 2, 2] CHANNELS_FIRST\n[[[[ 3.5,  5.5],\n   [11.5, 13.5]]]]',
]
def text = log.replace('\r\n', '\n')
expected.each { assert text.contains(it) : "missing in build.log:\n" + it }
assert text =~ /(?m)^simd: \d+-bit vectors/ : 'the SIMD kernels did not run'
assert text.contains('Tests run: 1, Failures: 0, Errors: 0') : 'the consumer test did not pass'

// The README shows this project's pom.xml and App.java verbatim (the invoker runs a copy of this folder
// in pooling4j-consumer-it/target/it/, four levels below the repository root).
def readme = new File(basedir, '../../../../README.md').getText('UTF-8').replace('\r\n', '\n')
['pom.xml', 'src/main/java/com/example/App.java'].each { name ->
    def body = new File(basedir, name).getText('UTF-8').replace('\r\n', '\n').trim()
    assert readme.contains(body) : "README.md does not show ${name} verbatim"
}
return true
