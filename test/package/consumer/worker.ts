// The GDAL worker of the page, from the package's worker entry.
import 'geodata/engine-worker';
