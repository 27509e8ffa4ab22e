#include "testutil.h"
int main(void){return tap_done();}
